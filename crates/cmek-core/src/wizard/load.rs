//! Slow work as data: what a screen waits for, and the one ticket the wizard accepts a result for.

use crate::error::Error;

use super::msg::{Intent, Ticket};

/// Something fetched through an intent.
#[derive(Debug, Clone, Default)]
pub enum Load<T> {
    /// Not asked for yet.
    #[default]
    Idle,
    Loading,
    Failed(Error),
    Ready(T),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(t) => Some(t),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading)
    }

    pub fn error(&self) -> Option<&Error> {
        match self {
            Load::Failed(e) => Some(e),
            _ => None,
        }
    }
}

/// The kinds of work the wizard can wait for; a result must match both the ticket and the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Work {
    Overview,
    CreateWorkspace,
    /// A Key screen's question to its cloud.
    Ask,
    Plan,
    Apply,
    Attach,
}

impl Work {
    /// What the spinner line says while this runs.
    pub fn doing(self) -> &'static str {
        match self {
            Work::Overview => "looking up the organisation and the cloud credentials",
            Work::CreateWorkspace => "creating the workspace",
            Work::Ask => "looking for existing keys",
            Work::Plan => "inspecting the organisation and the cloud, then planning",
            Work::Apply => "applying the plan",
            Work::Attach => "attaching the key to the workspace",
        }
    }
}

/// Hands out tickets and remembers the one request in flight.
#[derive(Debug, Clone, Default)]
pub struct Tickets {
    issued: u64,
    in_flight: Option<(Ticket, Work)>,
}

impl Tickets {
    /// Starts `work`, superseding (and cancelling) whatever was in flight.
    pub fn begin(&mut self, work: Work, out: &mut Vec<Intent>) -> Ticket {
        self.cancel(out);
        self.issued = self.issued.wrapping_add(1);
        let ticket = Ticket(self.issued);
        self.in_flight = Some((ticket, work));
        ticket
    }

    /// True when `ticket` is the one awaited for `work`; the wait is over then.
    pub fn finish(&mut self, ticket: Ticket, work: Work) -> bool {
        if self.in_flight == Some((ticket, work)) {
            self.in_flight = None;
            true
        } else {
            false
        }
    }

    /// True when `ticket` is the one awaited for `work`, without ending the wait (progress).
    pub fn is_current(&self, ticket: Ticket, work: Work) -> bool {
        self.in_flight == Some((ticket, work))
    }

    /// Stops waiting; asks the runtime to stop the work too.
    pub fn cancel(&mut self, out: &mut Vec<Intent>) {
        if let Some((ticket, _)) = self.in_flight.take() {
            out.push(Intent::Cancel(ticket));
        }
    }

    pub fn in_flight(&self) -> Option<Work> {
        self.in_flight.map(|(_, w)| w)
    }

    pub fn current(&self) -> Option<Ticket> {
        self.in_flight.map(|(t, _)| t)
    }
}
