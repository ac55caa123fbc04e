//! [`EncoderQueue`]: the encoder on its own worker thread behind a bounded queue.
//!
//! Callers hand in texts and get a [`Ticket`] to wait on. The worker drains everything waiting,
//! sorts the texts of all requests together by length, cuts them into batches of at most the
//! token budget and runs them, so many small requests become a few full batches. The queue is
//! bounded in *tokens*, the unit of work, not in requests: when accepting a request would put
//! more than the limit in flight, [`EncoderQueue::submit`] answers
//! [`EncoderError::Overloaded`] at once, and the caller decides (the scorer keeps the fast tier's
//! answer). Nothing grows without bound and nobody blocks on a full queue.

use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use soi_telemetry::names;

use crate::tokenize::Tokens;
use crate::{Encoder, EncoderError};

type Reply = Result<Vec<Vec<f32>>, EncoderError>;

struct Job {
    tokens: Vec<Tokens>,
    cost: usize,
    reply: mpsc::Sender<Reply>,
}

#[derive(Default)]
struct State {
    waiting: VecDeque<Job>,
    /// Tokens accepted and not yet answered (waiting or running).
    in_flight: usize,
    closed: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    limit: usize,
    /// Test hook: the next batch panics inside the worker, as a bug in the model code would.
    #[cfg(test)]
    panic_next: std::sync::atomic::AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked mid-batch leaves consistent state (counters change only under
        // the lock), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An answer to wait for.
pub struct Ticket {
    rx: mpsc::Receiver<Reply>,
}

impl Ticket {
    /// Blocks until the vectors are ready (in the order the texts were given).
    pub fn wait(self) -> Reply {
        self.rx.recv().unwrap_or(Err(EncoderError::Closed))
    }
}

/// The encoder behind a bounded, batching queue.
pub struct EncoderQueue {
    encoder: Arc<Encoder>,
    shared: Arc<Shared>,
    worker: Option<JoinHandle<()>>,
}

impl EncoderQueue {
    /// Starts the worker. `max_tokens` bounds the tokens accepted and not yet answered.
    pub fn start(encoder: Arc<Encoder>, max_tokens: usize) -> EncoderQueue {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            limit: max_tokens.max(1),
            #[cfg(test)]
            panic_next: Default::default(),
        });
        let (s, e) = (shared.clone(), encoder.clone());
        let worker = std::thread::Builder::new()
            .name("soi-encoder-queue".into())
            .spawn(move || work(&s, &e))
            .ok();
        EncoderQueue {
            encoder,
            shared,
            worker,
        }
    }

    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// Tokens accepted and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.shared.lock().in_flight
    }

    /// Queues `texts`; [`EncoderError::Overloaded`] when that would exceed the token limit (a
    /// request alone larger than the limit is still taken when nothing else is in flight).
    pub fn submit(&self, texts: &[&str]) -> Result<Ticket, EncoderError> {
        let tokens = self.encoder.tokenize(texts)?;
        let cost: usize = tokens.iter().map(|t| t.ids.len()).sum();
        let (tx, rx) = mpsc::channel();
        let mut st = self.shared.lock();
        if st.closed || self.worker.is_none() {
            return Err(EncoderError::Closed);
        }
        if st.in_flight > 0 && st.in_flight + cost > self.shared.limit {
            metrics::counter!(names::ENCODER_OVERLOADED).increment(1);
            return Err(EncoderError::Overloaded {
                queued: st.in_flight,
                limit: self.shared.limit,
            });
        }
        st.in_flight += cost;
        metrics::gauge!(names::ENCODER_QUEUE).set(st.in_flight as f64);
        st.waiting.push_back(Job {
            tokens,
            cost,
            reply: tx,
        });
        drop(st);
        self.shared.wake.notify_one();
        Ok(Ticket { rx })
    }

    /// Submits and waits.
    pub fn embed(&self, texts: &[&str]) -> Reply {
        self.submit(texts)?.wait()
    }
}

impl Drop for EncoderQueue {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_all();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// The worker: take everything waiting, run it as length-sorted token-budget batches, answer.
///
/// A panic while running a batch (a bug in the model code, a tokenizer that produces what the
/// weights cannot read) is caught: the requests of that batch get [`EncoderError::Worker`],
/// their tokens leave the in-flight count, and the worker goes on with the next batch. Were the
/// count left up, every later request would be refused as overloaded and a waiting scorer would
/// wait forever.
fn work(shared: &Shared, enc: &Encoder) {
    let _stop = StopGuard(shared);
    loop {
        let jobs: Vec<Job> = {
            let mut st = shared.lock();
            while st.waiting.is_empty() && !st.closed {
                st = shared.wake.wait(st).unwrap_or_else(|p| p.into_inner());
            }
            if st.waiting.is_empty() {
                return;
            }
            st.waiting.drain(..).collect()
        };
        let run =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(shared, enc, &jobs)));
        let done: usize = jobs.iter().map(|j| j.cost).sum();
        {
            let mut st = shared.lock();
            st.in_flight -= done;
            metrics::gauge!(names::ENCODER_QUEUE).set(st.in_flight as f64);
        }
        match run {
            Ok(out) => {
                metrics::counter!(names::ENCODER_TOKENS).increment(done as u64);
                for (job, vecs) in jobs.into_iter().zip(out) {
                    // A caller that stopped waiting is not an error.
                    let _ = job.reply.send(Ok(vecs));
                }
            }
            Err(panic) => {
                let why = panic_message(panic.as_ref());
                tracing::error!(%why, requests = jobs.len(), "encoder worker panicked; those requests fail, the worker goes on");
                for job in jobs {
                    let _ = job
                        .reply
                        .send(Err(EncoderError::Worker { why: why.clone() }));
                }
            }
        }
    }
}

/// Every text of every job, sorted by length and batched together; the vectors of each job.
fn run(shared: &Shared, enc: &Encoder, jobs: &[Job]) -> Vec<Vec<Vec<f32>>> {
    let all: Vec<&Tokens> = jobs.iter().flat_map(|j| &j.tokens).collect();
    #[cfg(test)]
    if shared
        .panic_next
        .swap(false, std::sync::atomic::Ordering::SeqCst)
    {
        panic!("test hook: the encoder panics on this batch");
    }
    #[cfg(not(test))]
    let _ = shared;
    let mut vecs = enc.embed_tokens(&all).into_iter();
    jobs.iter()
        .map(|j| vecs.by_ref().take(j.tokens.len()).collect())
        .collect()
}

/// The text of a panic's payload.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".into())
}

/// Should the worker thread end for any reason (a panic outside a batch included), the queue
/// closes: later requests get [`EncoderError::Closed`] at once, and waiting ones the same (their
/// reply channels drop), instead of waiting on a thread that is gone.
struct StopGuard<'a>(&'a Shared);

impl Drop for StopGuard<'_> {
    fn drop(&mut self) {
        let mut st = self.0.lock();
        st.closed = true;
        st.in_flight = 0;
        st.waiting.clear();
    }
}

#[cfg(test)]
impl EncoderQueue {
    /// Makes the worker panic on its next batch.
    pub(crate) fn panic_next_batch(&self) {
        self.shared
            .panic_next
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// `ticket.wait()` on another thread, given up after a minute so a hang fails the test.
    fn wait_bounded(ticket: Ticket) -> Reply {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || tx.send(ticket.wait()));
        rx.recv_timeout(Duration::from_secs(60))
            .expect("the ticket is answered, not left hanging")
    }

    #[test]
    fn a_worker_panic_fails_its_requests_and_the_queue_serves_again() {
        let Some(dir) = crate::paths::test_checkpoint() else {
            return;
        };
        let enc = Arc::new(Encoder::load(&dir, 1).expect("load"));
        let q = EncoderQueue::start(enc, 10_000);
        q.panic_next_batch();
        let t = q.submit(&["giá rẻ liên hệ zalo"]).expect("accepted");
        match wait_bounded(t) {
            Err(EncoderError::Worker { why }) => assert!(why.contains("test hook"), "{why}"),
            other => panic!("expected a worker error, got {:?}", other.map(|_| ())),
        }
        assert_eq!(q.in_flight(), 0, "the failed request's tokens are released");
        let t = q
            .submit(&["hàng chính hãng"])
            .expect("accepted after the panic");
        assert_eq!(
            wait_bounded(t)
                .expect("served by the restarted worker")
                .len(),
            1
        );
        assert_eq!(q.in_flight(), 0);
    }
}
