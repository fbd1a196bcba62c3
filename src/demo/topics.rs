//! What tickets are about: the topics with their tags, labels and subjects, and the hourly and
//! weekly rhythm of their arrival.

/// Tickets per hour of day (UTC) and per weekday (Monday first), relative.
pub(super) const HOUR_WEIGHTS: [u32; 24] = [
    2, 1, 1, 1, 1, 2, 4, 7, 11, 14, 15, 15, 13, 13, 14, 13, 12, 10, 8, 7, 6, 5, 4, 3,
];
pub(super) const WEEKDAY_WEIGHTS: [u32; 7] = [118, 108, 100, 100, 92, 45, 38];

#[derive(Clone, Copy, PartialEq, Eq)]
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

pub(super) const TOPICS: [Topic; 10] = [
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
pub(super) const TOPIC_WEIGHTS: [u32; 10] = [240, 140, 60, 100, 80, 100, 60, 90, 80, 1];

impl Topic {
    pub(super) fn has_order(self) -> bool {
        matches!(
            self,
            Topic::Wismo | Topic::Refund | Topic::Cancel | Topic::Returns
        )
    }

    /// Tags an agent would add, in order of preference.
    pub(super) fn tags(self) -> &'static [&'static str] {
        match self {
            Topic::Wismo => &["wismo", "shipping"],
            Topic::Refund => &["refund", "returns"],
            Topic::Cancel => &["cancellation", "billing"],
            Topic::Billing => &["billing"],
            Topic::Bug => &["bug"],
            Topic::Returns => &["returns", "shipping"],
            Topic::Feedback => &["feedback"],
            Topic::Spam => &["spam"],
            Topic::Account => &["account"],
            Topic::Gdpr => &["gdpr"],
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            Topic::Wismo => "Order status",
            Topic::Refund => "Refund",
            Topic::Cancel => "Cancellation",
            Topic::Billing => "Billing",
            Topic::Bug => "Technical",
            Topic::Returns => "Return",
            Topic::Feedback => "Feedback",
            Topic::Spam => "Spam",
            Topic::Account => "Account",
            Topic::Gdpr => "Privacy request",
        }
    }
}

pub(super) fn subject(topic: Topic, order: Option<u32>, v: usize) -> String {
    let o = order.map(|n| format!("#{n}")).unwrap_or_default();
    let s = match (topic, v) {
        (Topic::Wismo, 0) => return format!("Where is my order {o}?"),
        (Topic::Wismo, 1) => return format!("Order {o} hasn't arrived yet"),
        (Topic::Wismo, _) => return format!("Tracking for {o} stopped updating"),
        (Topic::Refund, 0) => return format!("Refund request for order {o}"),
        (Topic::Refund, 1) => return format!("Item arrived damaged, refund please ({o})"),
        (Topic::Refund, _) => return format!("Can I get my money back for {o}?"),
        (Topic::Cancel, 0) => return format!("Please cancel order {o}"),
        (Topic::Cancel, _) => return format!("Cancel {o} before it ships"),
        (Topic::Returns, 0) => return format!("Return label for order {o}"),
        (Topic::Returns, 1) => return format!("Exchange for a different size ({o})"),
        (Topic::Returns, _) => return format!("How do I return part of {o}?"),
        (Topic::Billing, 0) => "Charged twice this month",
        (Topic::Billing, 1) => "Question about my invoice",
        (Topic::Billing, _) => "Card declined but money was taken",
        (Topic::Bug, 0) => "App crashes at checkout",
        (Topic::Bug, 1) => "Discount code not applying",
        (Topic::Bug, _) => "Can't see my order history",
        (Topic::Feedback, 0) => "Love the new packaging!",
        (Topic::Feedback, 1) => "Suggestion: dark mode for the app",
        (Topic::Feedback, _) => "Delivery driver was great",
        (Topic::Spam, 0) => "💰 Claim your crypto giveaway now",
        (Topic::Spam, 1) => "SEO services for acme-support.test",
        (Topic::Spam, _) => "Guest post opportunity (paid)",
        (Topic::Account, 0) => "Can't reset my password",
        (Topic::Account, 1) => "Change the email on my account",
        (Topic::Account, _) => "Update my shipping address",
        (Topic::Gdpr, 0) => "Please delete all my data (GDPR)",
        (Topic::Gdpr, _) => "Right to erasure request",
    };
    s.to_string()
}
