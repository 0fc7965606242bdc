//! Sequential round trips from the calls' intervals: the longest chain of calls each of which
//! arrived after the previous one was answered. Calls in flight together (their intervals
//! overlap) are one round; a call made only after another's answer is the next round. With an
//! injected latency much longer than the client's own work between calls, the count is exact.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

/// The longest chain of `(arrived, answered)` intervals, each arriving no earlier than the one
/// before it was answered.
pub fn depth(calls: &[(Duration, Duration)]) -> usize {
    let mut by_arrival: Vec<&(Duration, Duration)> = calls.iter().collect();
    by_arrival.sort_by_key(|(arrived, _)| *arrived);
    // Calls seen but not yet known to have been answered before the current one arrived.
    let mut pending: BinaryHeap<Reverse<(Duration, usize)>> = BinaryHeap::new();
    let (mut best_done, mut longest) = (0, 0);
    for (arrived, answered) in by_arrival {
        while let Some(Reverse((done, chain))) = pending.peek().copied() {
            if done > *arrived {
                break;
            }
            pending.pop();
            best_done = best_done.max(chain);
        }
        let chain = best_done + 1;
        longest = longest.max(chain);
        pending.push(Reverse((*answered, chain)));
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(calls: &[(u64, u64)]) -> Vec<(Duration, Duration)> {
        calls.iter().map(|&(a, b)| (Duration::from_millis(a), Duration::from_millis(b))).collect()
    }

    #[test]
    fn calls_in_flight_together_are_one_round() {
        assert_eq!(depth(&[]), 0);
        assert_eq!(depth(&ms(&[(0, 200), (1, 201), (2, 203)])), 1);
    }

    #[test]
    fn a_call_made_after_an_answer_is_the_next_round() {
        assert_eq!(depth(&ms(&[(0, 200), (201, 400), (401, 600)])), 3);
        // Touching counts as after: the answer was read before the next call left.
        assert_eq!(depth(&ms(&[(0, 200), (200, 400)])), 2);
    }

    #[test]
    fn the_longest_chain_counts_not_the_number_of_calls() {
        // Two chains side by side (a→b and c), then d after both.
        let calls = ms(&[(0, 200), (1, 200), (202, 400), (401, 600)]);
        assert_eq!(depth(&calls), 3);
        // A long call overlapping a chain of two short ones.
        assert_eq!(depth(&ms(&[(0, 1000), (1, 200), (201, 400)])), 2);
    }
}
