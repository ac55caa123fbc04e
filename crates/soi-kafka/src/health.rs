//! The bus's health: does the broker answer, do this process's subscribers hold partitions, and
//! how far behind is each partition they hold.
//!
//! Lag is counted from what the stage *acknowledged* (durably handed on), not from what the
//! consumer fetched: a scorer that fetched a batch and is still scoring it is behind by that
//! batch. For a partition nothing was acknowledged in yet by this process, the group's committed
//! offset stands in (where it resumed), else the partition's low watermark.

use std::sync::{Arc, Weak};
use std::time::Duration;

use rdkafka::consumer::Consumer;
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::Offset;
use soi_bus::{BusHealth, PartitionLag};

use crate::consumer::Member;

/// How long one broker request of the check may take: a probe must answer within its own timeout.
const ASK: Duration = Duration::from_secs(2);

/// Checks the broker through the producer's connection, then every live subscriber.
pub(crate) fn check(producer: &FutureProducer, members: &[Weak<Member>]) -> BusHealth {
    let mut h = BusHealth::default();
    if let Err(e) = producer.client().fetch_metadata(None, ASK) {
        h.problems.push(format!("the broker does not answer: {e}"));
        return h;
    }
    for m in members.iter().filter_map(Weak::upgrade) {
        member(&m, &mut h);
    }
    h
}

fn member(m: &Arc<Member>, h: &mut BusHealth) {
    let assigned = match m.consumer.assignment() {
        Ok(a) => a,
        Err(e) => {
            h.problems
                .push(format!("group {}: no assignment: {e}", m.group));
            return;
        }
    };
    if assigned.count() == 0 {
        let topics = m
            .consumer
            .subscription()
            .map(|s| {
                s.elements()
                    .iter()
                    .map(|e| e.topic().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        h.problems.push(format!(
            "group {} on {topics}: no partitions assigned yet",
            m.group
        ));
        return;
    }
    let committed = m.consumer.committed(ASK).ok();
    let acked = m.acked.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for e in assigned.elements() {
        let (topic, partition) = (e.topic().to_string(), e.partition());
        let (low, high) = match m.consumer.fetch_watermarks(&topic, partition, ASK) {
            Ok(w) => w,
            Err(err) => {
                h.problems.push(format!(
                    "{topic} partition {partition}: no watermarks: {err}"
                ));
                continue;
            }
        };
        let resumed = committed
            .as_ref()
            .and_then(|p| p.find_partition(&topic, partition))
            .and_then(|p| match p.offset() {
                Offset::Offset(n) => Some(n),
                _ => None,
            });
        let next = acked
            .get(&(topic.clone(), partition))
            .copied()
            .or(resumed)
            .unwrap_or(low);
        h.lag.push(PartitionLag {
            group: m.group.clone(),
            topic,
            partition,
            lag: (high - next).max(0),
        });
    }
}
