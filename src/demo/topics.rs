//! What tickets are about: the topics with their tags, labels and subjects, and the hourly and
//! weekly rhythm of their arrival; kept as data in `data/tickets.json` and compiled into the
//! binary.

use std::sync::LazyLock;

use serde::Deserialize;

/// The topics and the rhythm, as data.
const TICKETS_JSON: &str = include_str!("data/tickets.json");

/// `data/tickets.json`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketsDoc {
    #[allow(dead_code)]
    about: Vec<String>,
    hour_weights: [u32; 24],
    weekday_weights: [u32; 7],
    topics: Vec<TopicSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicSpec {
    topic: Topic,
    weight: u32,
    label: String,
    tags: Vec<String>,
    has_order: bool,
    /// `{order}` stands for the order number (`#5123`).
    subjects: Vec<String>,
}

static DOC: LazyLock<TicketsDoc> = LazyLock::new(|| {
    serde_json::from_str(TICKETS_JSON).expect("src/demo/data/tickets.json parses")
});

/// Tickets per hour of day (UTC) and per weekday (Monday first), relative.
pub(super) static HOUR_WEIGHTS: LazyLock<[u32; 24]> = LazyLock::new(|| DOC.hour_weights);
pub(super) static WEEKDAY_WEIGHTS: LazyLock<[u32; 7]> = LazyLock::new(|| DOC.weekday_weights);

#[derive(Clone, Copy, PartialEq, Eq, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Topic {
    Wismo,
    Refund,
    Cancel,
    Billing,
    Bug,
    Returns,
    Feedback,
    Spam,
    Account,
    Gdpr,
}

/// The topics in the data's order, and their relative weights.
pub(super) static TOPICS: LazyLock<Vec<Topic>> =
    LazyLock::new(|| DOC.topics.iter().map(|t| t.topic).collect());
pub(super) static TOPIC_WEIGHTS: LazyLock<Vec<u32>> =
    LazyLock::new(|| DOC.topics.iter().map(|t| t.weight).collect());
/// Each topic's tags, in [`TOPICS`] order.
static TAGS: LazyLock<Vec<Vec<&str>>> = LazyLock::new(|| {
    let tags = DOC.topics.iter().map(|t| t.tags.iter().map(String::as_str));
    tags.map(Iterator::collect).collect()
});

impl Topic {
    fn index(self) -> usize {
        TOPICS
            .iter()
            .position(|&t| t == self)
            .unwrap_or_else(|| panic!("{self:?} is not in src/demo/data/tickets.json"))
    }

    fn spec(self) -> &'static TopicSpec {
        &DOC.topics[self.index()]
    }

    pub(super) fn has_order(self) -> bool {
        self.spec().has_order
    }

    /// Tags an agent would add, in order of preference.
    pub(super) fn tags(self) -> &'static [&'static str] {
        &TAGS[self.index()]
    }

    pub(super) fn label(self) -> &'static str {
        &self.spec().label
    }
}

/// Subject `v` of the topic (its last one when there are fewer), about `order` if any.
pub(super) fn subject(topic: Topic, order: Option<u32>, v: usize) -> String {
    let o = order.map(|n| format!("#{n}")).unwrap_or_default();
    let subjects = &topic.spec().subjects;
    subjects[v.min(subjects.len() - 1)].replace("{order}", &o)
}

#[cfg(test)]
mod tests {
    use super::{DOC, TAGS, TOPIC_WEIGHTS, TOPICS, Topic};

    #[test]
    fn the_topics_are_consistent() {
        let all = [
            Topic::Wismo,
            Topic::Refund,
            Topic::Cancel,
            Topic::Billing,
            Topic::Bug,
            Topic::Returns,
            Topic::Feedback,
            Topic::Spam,
            Topic::Account,
            Topic::Gdpr,
        ];
        assert_eq!(TOPICS.len(), all.len());
        for t in all {
            assert_eq!(TOPICS.iter().filter(|&&x| x == t).count(), 1, "{t:?} once");
            let spec = t.spec();
            assert!(!spec.subjects.is_empty() && !spec.label.is_empty(), "{t:?}");
            assert!(
                !t.tags().is_empty(),
                "{t:?}: the first tag is the topic's own"
            );
            // a subject names the order exactly when the topic is about one
            for s in &spec.subjects {
                assert_eq!(s.contains("{order}"), spec.has_order, "{t:?}: {s}");
            }
        }
        // the stories of these topics act on the ticket's order
        for t in [Topic::Wismo, Topic::Refund, Topic::Cancel, Topic::Returns] {
            assert!(t.has_order(), "{t:?}");
        }
        // the coverage phase draws its old tickets from the first seven: no spam, no privacy request
        assert!(!TOPICS[..7].contains(&Topic::Spam) && !TOPICS[..7].contains(&Topic::Gdpr));
        assert!(TOPIC_WEIGHTS.iter().all(|&w| w > 0));
        assert!(DOC.hour_weights.iter().any(|&w| w > 0));
        assert!(DOC.weekday_weights.iter().all(|&w| w > 0));
        assert_eq!(TAGS.len(), TOPICS.len());
    }
}
