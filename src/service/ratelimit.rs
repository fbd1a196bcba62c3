//! Per-key rate limits: a token bucket (GCRA, `governor`) per API key, one budget for
//! ingest and one for everything else a key does (reads). A viewer token spends its minting
//! key's read budget, so handing out tokens does not multiply a key's quota. The operator
//! token is not limited.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::{Principal, Service, ServiceError};

/// One budget: requests per second per key, and how many may come at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_second: u32,
    /// Requests a key may send at once after being idle (at least 1).
    pub burst: u32,
}

impl Rate {
    /// `per_second` requests a second with a burst of two seconds' worth; `None` when 0.
    pub fn per_second(per_second: u32) -> Option<Rate> {
        (per_second > 0).then(|| Rate {
            per_second,
            burst: per_second.saturating_mul(2),
        })
    }
}

/// The budgets; `None`: unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub ingest: Option<Rate>,
    pub read: Option<Rate>,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            ingest: Rate::per_second(crate::config::RATE_LIMIT_INGEST_PER_SECOND),
            read: Rate::per_second(crate::config::RATE_LIMIT_READ_PER_SECOND),
        }
    }
}

impl RateLimits {
    pub const OFF: RateLimits = RateLimits {
        ingest: None,
        read: None,
    };
}

/// Which budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    Ingest,
    Read,
}

/// How often (in checks) idle keys are dropped from the limiters' maps.
const SWEEP_EVERY: u64 = 1 << 14;

pub(super) struct Limiters {
    ingest: Option<DefaultKeyedRateLimiter<String>>,
    read: Option<DefaultKeyedRateLimiter<String>>,
    checks: AtomicU64,
}

fn limiter(rate: Option<Rate>) -> Option<DefaultKeyedRateLimiter<String>> {
    let rate = rate?;
    let per_second = NonZeroU32::new(rate.per_second)?;
    let burst = NonZeroU32::new(rate.burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Some(RateLimiter::keyed(
        Quota::per_second(per_second).allow_burst(burst),
    ))
}

impl Limiters {
    pub(super) fn new(limits: RateLimits) -> Arc<Limiters> {
        Arc::new(Limiters {
            ingest: limiter(limits.ingest),
            read: limiter(limits.read),
            checks: AtomicU64::new(0),
        })
    }

    /// Seconds until the key may try again, or `None` when this request is within budget.
    fn check(&self, budget: Budget, key_id: &str) -> Option<u64> {
        let limiter = match budget {
            Budget::Ingest => self.ingest.as_ref(),
            Budget::Read => self.read.as_ref(),
        }?;
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        match limiter.check_key(&key_id.to_string()) {
            Ok(()) => None,
            Err(not_until) => {
                // the limiter's own clock: a new `DefaultClock` (quanta) calibrates itself
                // with `cpuid`, a VM exit on virtual machines, and made a refusal cost
                // ~115 us of CPU instead of a few
                let wait = not_until.wait_time_from(limiter.clock().now());
                Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).map(|s| s.max(1))
            }
        }
    }
}

impl Service {
    /// Spends one request of `p`'s `budget`; `RateLimited` with the seconds to wait when
    /// the key is over it.
    pub fn check_rate(&self, p: &Principal, budget: Budget) -> Result<(), ServiceError> {
        let key_id = match p {
            Principal::Key { key_id, .. } | Principal::Viewer { key_id, .. } => key_id,
            // the service's own writers come from no request
            Principal::Operator | Principal::OperatorCommand(_) | Principal::System(_) => {
                return Ok(());
            }
        };
        match self.rate_limiters.check(budget, key_id) {
            None => Ok(()),
            Some(retry_after_secs) => Err(ServiceError::RateLimited {
                message: format!(
                    "this key sent more {} requests than its budget allows; retry in {retry_after_secs} s",
                    match budget {
                        Budget::Ingest => "ingest",
                        Budget::Read => "read",
                    }
                ),
                retry_after_secs,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_over_its_burst_waits_and_others_do_not() {
        let l = Limiters::new(RateLimits {
            ingest: Some(Rate {
                per_second: 1,
                burst: 3,
            }),
            read: None,
        });
        for _ in 0..3 {
            assert_eq!(l.check(Budget::Ingest, "key_a"), None);
        }
        assert_eq!(l.check(Budget::Ingest, "key_a"), Some(1));
        assert_eq!(l.check(Budget::Ingest, "key_b"), None);
        // reads are unlimited here
        for _ in 0..100 {
            assert_eq!(l.check(Budget::Read, "key_a"), None);
        }
    }
}
