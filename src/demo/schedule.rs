//! Time and shifts: which agent is at work when (working days, idle gaps, new hires), picking
//! an agent for a moment, the daily rhythm of arrivals; and the staff's days: logins, idle
//! timeouts, password changes and logouts.

use super::cast::AGENTS;
use super::event::{Ev, user};
use super::generator::Gen;
use super::rng::mix64;
use super::topics::{HOUR_WEIGHTS, WEEKDAY_WEIGHTS};
use super::{DAY, HOUR, MIN, SEC};
use serde_json::json;

pub(super) fn weekday(day: i64) -> usize {
    // 1970-01-01 was a Thursday; 0 = Monday.
    (day + 3).rem_euclid(7) as usize
}

impl Gen<'_> {
    pub(super) fn works(&self, a: usize, day: i64) -> bool {
        let ag = &AGENTS[a];
        day >= self.start.div_euclid(DAY) + ag.starts_after
            && (ag.days >> weekday(day)) & 1 == 1
            && mix64(self.seed ^ 0x0FF_DA75 ^ ((a as u64) << 48) ^ (day as u64)) % 100 >= 4
    }

    /// The part of a working day in which the agent acts on tickets (after logging in).
    pub(super) fn window(a: usize, day: i64) -> (i64, i64) {
        let (s, e) = AGENTS[a].shift;
        (
            day * DAY + s * HOUR + 20 * MIN,
            day * DAY + e * HOUR - 30 * MIN,
        )
    }

    /// On some days an agent's session times out around lunch and they log in again a few
    /// minutes later; they do nothing in between.
    pub(super) fn idle_gap(&self, a: usize, day: i64) -> Option<(i64, i64)> {
        let h = mix64(self.seed ^ 0x1D1E_6A95 ^ ((a as u64) << 40) ^ (day as u64));
        if !h.is_multiple_of(10) {
            return None;
        }
        let (s, e) = Self::window(a, day);
        let from = s + 2 * HOUR + ((h >> 8) as i64).rem_euclid((e - s - 4 * HOUR).max(1));
        let len = (3 + ((h >> 40) % 23) as i64) * MIN;
        Some((from, from + len))
    }

    pub(super) fn is_on(&self, a: usize, t: i64) -> bool {
        let day = t.div_euclid(DAY);
        let (s, e) = Self::window(a, day);
        s <= t
            && t < e
            && self.works(a, day)
            && self
                .idle_gap(a, day)
                .is_none_or(|(gs, ge)| t < gs || t >= ge)
    }

    /// The first moment at or after `t` when the agent is at work.
    pub(super) fn shift_time(&mut self, a: usize, t: i64) -> Option<i64> {
        let d0 = t.div_euclid(DAY);
        for day in d0..d0 + 21 {
            if !self.works(a, day) {
                continue;
            }
            let (s, e) = Self::window(a, day);
            if t < s {
                return Some(s + self.rng.range(0, 45 * MIN));
            }
            if t < e {
                return match self.idle_gap(a, day) {
                    Some((gs, ge)) if gs <= t && t < ge => Some(ge + self.rng.range(0, 5 * MIN)),
                    _ => Some(t),
                };
            }
        }
        None
    }

    /// [`Gen::shift_time`] after a random delay in `lo..hi`.
    pub(super) fn shift_after(&mut self, a: usize, t: i64, (lo, hi): (i64, i64)) -> Option<i64> {
        let d = self.rng.range(lo, hi);
        self.shift_time(a, t + d)
    }

    /// [`Gen::pick_agent`] after a random delay in `lo..hi`.
    pub(super) fn pick_after(
        &mut self,
        t: i64,
        (lo, hi): (i64, i64),
        team: Option<usize>,
    ) -> Option<(usize, i64)> {
        let d = self.rng.range(lo, hi);
        self.pick_agent(t + d, team)
    }

    /// An agent (of `team` if given) to act at `t`, or the first one to come on shift.
    pub(super) fn pick_agent(&mut self, t: i64, team: Option<usize>) -> Option<(usize, i64)> {
        let members = |a: &usize| team.is_none_or(|tm| AGENTS[*a].team == tm);
        let on: Vec<usize> = (0..AGENTS.len())
            .filter(members)
            .filter(|&a| self.is_on(a, t))
            .collect();
        if !on.is_empty() {
            return Some((*self.rng.pick(&on), t));
        }
        let mut best: Option<(usize, i64)> = None;
        for a in (0..AGENTS.len()).filter(members) {
            if let Some(ta) = self.shift_time(a, t)
                && best.is_none_or(|(_, b)| ta < b)
            {
                best = Some((a, ta));
            }
        }
        if team.is_some()
            && best.is_none_or(|(_, b)| b > t + 4 * HOUR)
            && let Some(alt) = self.pick_agent(t, None)
            && best.is_none_or(|(_, b)| alt.1 < b)
        {
            best = Some(alt);
        }
        best
    }

    /// Someone on shift right now, if anyone.
    pub(super) fn on_duty(&mut self, t: i64) -> Option<usize> {
        let on: Vec<usize> = (0..AGENTS.len()).filter(|&a| self.is_on(a, t)).collect();
        (!on.is_empty()).then(|| *self.rng.pick(&on))
    }

    pub(super) fn first_day(&self) -> i64 {
        self.start.div_euclid(DAY)
    }

    pub(super) fn last_day(&self) -> i64 {
        self.now.div_euclid(DAY)
    }

    /// Relative weight of tickets arriving on `day` (only the part inside the period counts).
    pub(super) fn day_weight(&self, day: i64) -> u64 {
        let hours: u64 = (0..24)
            .filter(|&h| self.hour_in_period(day, h))
            .map(|h| u64::from(HOUR_WEIGHTS[h as usize]))
            .sum();
        hours * u64::from(WEEKDAY_WEIGHTS[weekday(day)])
    }

    pub(super) fn hour_in_period(&self, day: i64, h: i64) -> bool {
        let s = day * DAY + h * HOUR;
        s + HOUR > self.start && s <= self.now
    }

    /// A ticket arrival time on `day`, following the hourly rhythm.
    pub(super) fn time_in_day(&mut self, day: i64) -> i64 {
        let ws: Vec<u32> = (0..24)
            .map(|h| {
                if self.hour_in_period(day, h) {
                    HOUR_WEIGHTS[h as usize]
                } else {
                    0
                }
            })
            .collect();
        let h = if ws.iter().any(|&w| w > 0) {
            self.rng.weighted(&ws) as i64
        } else {
            0
        };
        // Uniform within the part of that hour inside the period.
        let lo = (day * DAY + h * HOUR).max(self.start);
        let hi = (day * DAY + (h + 1) * HOUR).min(self.now + 1);
        self.rng.range(lo, hi).clamp(self.start, self.now)
    }

    pub(super) fn staff_days(&mut self) {
        for day in self.first_day()..=self.last_day() {
            for a in 0..AGENTS.len() {
                if self.works(a, day) {
                    self.shift(a, day);
                }
            }
            let wd = weekday(day);
            if self.rng.chance(0.07) {
                let t = day * DAY + self.rng.range(2 * HOUR, 5 * HOUR);
                if t > self.cover_end {
                    self.suggestion(t);
                }
            }
            if wd < 5 && self.rng.chance(0.02) {
                // A test customer record cleaned up.
                let t = day * DAY + self.rng.range(10 * HOUR, 16 * HOUR);
                if self.is_on(0, t) {
                    self.next_customer += 1;
                    let id = format!("cus_{}", self.next_customer);
                    let ev = Ev::new(id, "QA Test Customer", user(0))
                        .meta(json!({"reason": "test record"}));
                    self.emit(t, "customer.deleted", ev);
                }
            }
        }
    }

    /// One agent's working day: log in, maybe an idle timeout, maybe a password change, log out.
    pub(super) fn shift(&mut self, a: usize, day: i64) {
        let ag = &AGENTS[a];
        let me = || Ev::new(ag.id, ag.name, user(a));
        let login = day * DAY + ag.shift.0 * HOUR - self.rng.range(0, 20 * MIN);
        let logout = day * DAY + ag.shift.1 * HOUR + self.rng.range(0, 25 * MIN);
        if self.rng.chance(0.012) {
            let t = login - self.rng.range(2 * MIN, 10 * MIN);
            self.emit(
                t,
                "user.password_reset",
                me().meta(json!({"initiated_by": "user", "method": "email_link"})),
            );
        }
        let sso = json!({"method": "sso", "provider": "Okta", "mfa": true});
        self.emit(login, "user.logged_in", me().meta(sso.clone()));
        if let Some((gs, ge)) = self.idle_gap(a, day) {
            let out = gs + self.rng.range(0, 30 * SEC);
            let back = ge - self.rng.range(SEC, MIN);
            let reason = json!({"reason": "idle_timeout"});
            self.emit(out, "user.logged_out", me().meta(reason));
            self.emit(back, "user.logged_in", me().meta(sso));
        }
        if self.rng.chance(0.02) {
            let t = login + self.rng.range(5 * MIN, 3 * HOUR);
            self.emit(
                t,
                "user.password_changed",
                me().meta(json!({"mfa_verified": true})),
            );
        }
        if self.rng.chance(0.9) {
            self.emit(
                logout,
                "user.logged_out",
                me().meta(json!({"reason": "user"})),
            );
        }
    }
}
