//! `Cancel`: a cheap, cloneable signal a front end raises (Esc in the wizard, Ctrl-C on the
//! command line) to stop a wait the engine is in, such as the RBAC propagation back-off.

use tokio::sync::watch;

#[derive(Debug, Clone)]
pub struct Cancel {
    sender: std::sync::Arc<watch::Sender<bool>>,
    receiver: watch::Receiver<bool>,
}

impl Cancel {
    pub fn new() -> Self {
        let (sender, receiver) = watch::channel(false);
        Self { sender: std::sync::Arc::new(sender), receiver }
    }

    /// Raises the signal; every clone sees it.
    pub fn cancel(&self) {
        self.sender.send_replace(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.receiver.borrow()
    }

    /// Resolves once the signal is raised (at once if it already was).
    pub async fn cancelled(&self) {
        let mut receiver = self.receiver.clone();
        // An error means every sender is gone: nobody can cancel any more, so wait forever.
        if receiver.wait_for(|raised| *raised).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn clones_see_the_signal_and_waiters_wake() {
        let cancel = Cancel::new();
        let other = cancel.clone();
        assert!(!other.is_cancelled());
        let waiter = tokio::spawn(async move { other.cancelled().await });
        cancel.cancel();
        waiter.await.unwrap();
        assert!(cancel.is_cancelled());
    }
}
