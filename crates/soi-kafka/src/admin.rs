//! Topic creation through the admin API.

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::types::RDKafkaErrorCode;

use crate::{KafkaBusError, KafkaOptions};

/// Creates the topics that do not exist yet, with the configured partitions.
pub async fn ensure_topics(opts: &KafkaOptions, topics: &[String]) -> Result<(), KafkaBusError> {
    let admin: AdminClient<DefaultClientContext> = opts.client().create()?;
    let new: Vec<NewTopic> = topics
        .iter()
        .map(|t| {
            NewTopic::new(
                t,
                opts.partitions,
                TopicReplication::Fixed(opts.replication),
            )
        })
        .collect();
    let results = admin.create_topics(&new, &AdminOptions::new()).await?;
    for r in results {
        match r {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => {
                return Err(KafkaBusError::CreateTopic {
                    topic,
                    why: code.to_string(),
                })
            }
        }
    }
    Ok(())
}
