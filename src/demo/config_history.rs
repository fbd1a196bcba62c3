//! The admin team's configuration work over the period, day by day: on weekdays each admin at
//! work makes a few small edits, and some days hold a planned piece of work (see `jobs.rs`).
//! All of it runs in time order, so each change's `old` is the previous change's `new`. Also
//! the small steps a session is made of (edit a field, set an item, create, drop, wait).

use super::cast::{ADMINS, AGENTS, COMPLIANCE};
use super::event::user;
use super::fields::Shape;
use super::generator::Gen;
use super::objects::Life;
use super::rng::Rng;
use super::schedule::weekday;
use super::{DAY, HOUR, MIN};

/// Which kinds of object everyday edits touch, relatively.
pub(super) const CONFIG_MIX: [(&str, u32); 13] = [
    ("rule", 20),
    ("macro", 17),
    ("view", 9),
    ("inbox", 8),
    ("user", 8),
    ("tag", 6),
    ("integration", 6),
    ("widget", 4),
    ("team", 4),
    ("org_config", 4),
    ("custom_attribute", 4),
    ("role", 2),
    ("account", 1),
];

/// Everyday sessions per weekday for each admin (`ADMINS` order), relative weights of 0, 1, ...
pub(super) const SESSIONS: [[u32; 8]; 3] = [
    [1, 4, 10, 18, 24, 20, 13, 10],
    [3, 9, 20, 26, 21, 12, 6, 3],
    [3, 9, 20, 26, 21, 12, 6, 3],
];

pub(super) fn shuffle<T>(rng: &mut Rng, xs: &mut [T]) {
    for i in (1..xs.len()).rev() {
        xs.swap(i, rng.below(i + 1));
    }
}

// ---------------------------------------------------------------------------------------------
// The work.

/// A piece of configuration work, done by one admin on one day.
#[derive(Clone, Copy, Debug)]
pub(super) enum Job {
    /// A few everyday edits.
    Routine,
    /// Okta SCIM pushes a profile change.
    Okta,
    /// Reworking the routing rules: pause, edit, reorder, switch back on.
    Rework,
    /// Setting up the new Wholesale inbox and what goes with it.
    NewInbox,
    /// The access review: role permissions, a promotion, session and IP settings, stale users.
    AccessReview,
    /// Rewriting macros after a policy or tone change.
    MacroRefresh,
    /// Recolouring, describing, merging and removing tags.
    TagCleanup,
    /// Integration and sidebar-widget settings.
    Integrations,
    /// Getting ready for Black Friday and the holidays.
    HolidayPrep,
    /// Sending an invitation to a seasonal hire (an index into `AGENTS`).
    Invite(usize),
    /// Setting up a new agent: their account (from Okta unless invited), inboxes, team, seat.
    Onboard(usize),
    /// Raising a new agent's chat capacity as they settle in.
    Ramp(usize),
}

/// An admin at work: the moment of their next save, and when they stop.
pub(super) struct Desk {
    pub(super) a: usize,
    pub(super) t: i64,
    pub(super) end: i64,
}

impl Gen<'_> {
    /// The admin team's configuration work over the period, after the coverage phase.
    pub(super) fn configuration(&mut self) {
        let (first, last) = (self.first_day(), self.last_day());
        // Fewer everyday edits for a quiet demo (few events a day), so that tickets still
        // make most of it; the planned pieces of work happen regardless.
        let per_day = self.target as f64 / (last - first + 1) as f64;
        let keep = (per_day / 600.0).clamp(0.05, 1.0);
        let plan = self.plan_work();
        let mut clock = self.cover_end;
        for day in first..=last {
            let mut jobs: Vec<(i64, usize, Job)> = Vec::new();
            for &(_, a, job) in plan.iter().filter(|p| p.0 == day) {
                let (s, _) = Self::window(a, day);
                jobs.push((s + self.rng.range(0, 3 * HOUR), a, job));
            }
            for (k, &a) in ADMINS.iter().enumerate() {
                if !self.works(a, day) {
                    continue;
                }
                let mut n = match weekday(day) {
                    0..5 => self.rng.weighted(&SESSIONS[k]),
                    5 => usize::from(self.rng.chance(0.3)),
                    _ => 0,
                };
                if plan.iter().any(|p| p.0 == day && p.1 == a) {
                    n /= 2;
                }
                let (s, e) = Self::window(a, day);
                for _ in 0..n {
                    if self.rng.chance(keep) {
                        jobs.push((self.rng.range(s, e - HOUR), a, Job::Routine));
                    }
                }
            }
            if weekday(day) < 5 && self.rng.chance(0.12) {
                let t = day * DAY + self.rng.range(6 * HOUR, 21 * HOUR);
                jobs.push((t, 0, Job::Okta));
            }
            jobs.sort_by_key(|j| j.0);
            for (t, a, job) in jobs {
                // One thing at a time, so that every change starts from the one before.
                let t = t.max(clock + self.rng.range(MIN, 8 * MIN));
                let end = match job {
                    Job::Okta => day * DAY + 22 * HOUR,
                    _ => Self::window(a, day).1 + HOUR,
                };
                if t > end || t > self.now || t <= self.cover_end {
                    continue;
                }
                let mut d = Desk { a, t, end };
                self.run_job(job, &mut d);
                self.change_request = None;
                clock = clock.max(d.t);
            }
        }
    }

    /// The planned pieces of work: (day, admin, job), each on a weekday its admin works.
    pub(super) fn plan_work(&mut self) -> Vec<(i64, usize, Job)> {
        let (first, last) = (self.first_day(), self.last_day());
        let p = last - first;
        let every = |from: i64, step: i64| {
            (0..)
                .map(move |k| from + k * step)
                .take_while(move |&d| d < p)
        };
        const PRIYA: usize = ADMINS[0];
        const DMITRI: usize = ADMINS[1];
        let mut want: Vec<(i64, &[usize], Job)> = Vec::new();
        want.extend(every(8, 28).map(|d| (d, &[PRIYA][..], Job::Integrations)));
        want.extend(every(12, 33).map(|d| (d, &[COMPLIANCE, DMITRI][..], Job::MacroRefresh)));
        want.extend(every(20, 38).map(|d| (d, &[PRIYA, DMITRI][..], Job::Rework)));
        want.extend(every(30, 45).map(|d| (d, &[COMPLIANCE][..], Job::AccessReview)));
        want.extend(every(35, 50).map(|d| (d, &[DMITRI][..], Job::TagCleanup)));
        if p >= 30 {
            want.push((p * 42 / 100, &[PRIYA], Job::NewInbox));
        }
        if p >= 25 {
            want.push((p - 12, &[PRIYA], Job::HolidayPrep));
        }
        let mut hires: Vec<(i64, &[usize], Job)> = Vec::new();
        for (h, ag) in AGENTS
            .iter()
            .enumerate()
            .filter(|(_, a)| a.starts_after > 0)
        {
            let s = ag.starts_after;
            let planned = self
                .find_obj(ag.id)
                .is_some_and(|i| self.objs[i].life == Life::Planned);
            if planned && ag.days & 0b110_0000 != 0 {
                // A seasonal weekend agent: invited by email rather than provisioned.
                hires.push((s - 6, &[PRIYA], Job::Invite(h)));
            }
            // Set up before the first shift; one created in the coverage phase on the day.
            hires.push((
                if planned { s - 2 } else { s + 4 },
                &[PRIYA],
                Job::Onboard(h),
            ));
            hires.push((s + 7, &[PRIYA, DMITRI], Job::Ramp(h)));
            hires.push((s + 21, &[PRIYA, DMITRI], Job::Ramp(h)));
        }
        let mut out = Vec::new();
        for (d, who, job) in want {
            let a = *self.rng.pick(who);
            let d0 = first + d + self.rng.range(-2, 3);
            if let Some(day) = (d0..d0 + 7).find(|&x| self.works(a, x) && weekday(x) < 5) {
                out.push((day, a, job));
            }
        }
        for (d, who, job) in hires {
            // On the day or just before it (a hire is set up before their first shift).
            let a = *self.rng.pick(who);
            let d0 = first + d;
            if let Some(day) = (d0 - 4..=d0)
                .rev()
                .find(|&x| self.works(a, x) && weekday(x) < 5)
            {
                out.push((day, a, job));
            }
        }
        out.retain(|&(day, _, _)| day >= first && day <= last);
        out
    }

    pub(super) fn run_job(&mut self, job: Job, d: &mut Desk) {
        match job {
            Job::Routine => self.routine(d),
            Job::Okta => self.okta_sync(d),
            Job::Rework => self.rework_rules(d),
            Job::NewInbox => self.set_up_inbox(d),
            Job::AccessReview => self.access_review(d),
            Job::MacroRefresh => self.refresh_macros(d),
            Job::TagCleanup => self.tidy_tags(d),
            Job::Integrations => self.maintain_integrations(d),
            Job::HolidayPrep => self.holiday_prep(d),
            Job::Invite(h) => self.invite(d, h),
            Job::Onboard(h) => self.onboard(d, h),
            Job::Ramp(h) => {
                self.bump(d, AGENTS[h].id, "max_concurrent_chats", 1);
            }
        }
    }

    // ----- small steps of a session

    pub(super) fn wait(&mut self, d: &mut Desk, lo_min: i64, hi_min: i64) {
        d.t += self.rng.range(lo_min * MIN, hi_min * MIN) + self.rng.range(0, MIN);
    }

    /// The object `id` if it exists now.
    pub(super) fn at_hand(&self, d: &Desk, id: &str) -> Option<usize> {
        self.find_obj(id)
            .filter(|&i| d.t <= d.end && self.live_at(i, d.t))
    }

    /// One save of `id` moving each named field one edit on.
    pub(super) fn edit(&mut self, d: &mut Desk, id: &str, fields: &[&str]) -> bool {
        let Some(i) = self.at_hand(d, id) else {
            return false;
        };
        let mut moves = Vec::new();
        for name in fields {
            if let Some(f) = self.field_ix(i, name)
                && self.objs[i].fields[f].movable()
            {
                moves.push((f, self.objs[i].fields[f].next(&mut self.rng)));
            }
        }
        let ok = !moves.is_empty() && self.save(i, &moves, d.t, user(d.a));
        self.wait(d, 1, 6);
        ok
    }

    /// One save of `id` changing whatever the admin gets to.
    pub(super) fn edit_any(&mut self, d: &mut Desk, id: &str) -> bool {
        let Some(i) = self.at_hand(d, id) else {
            return false;
        };
        let ok = self.save_some(i, None, d.t, user(d.a)).is_some();
        self.wait(d, 1, 6);
        ok
    }

    /// One save of `id` setting `field` to the state `to` (a number, or 0/1 for a flag).
    pub(super) fn set_state(&mut self, d: &mut Desk, id: &str, field: &str, to: i64) -> bool {
        let Some(i) = self.at_hand(d, id) else {
            return false;
        };
        let Some(f) = self
            .field_ix(i, field)
            .filter(|&f| self.objs[i].fields[f].cur != to)
        else {
            return false;
        };
        let ok = self.save(i, &[(f, to)], d.t, user(d.a));
        self.wait(d, 1, 6);
        ok
    }

    pub(super) fn set_flag(&mut self, d: &mut Desk, id: &str, field: &str, on: bool) -> bool {
        self.set_state(d, id, field, i64::from(on))
    }

    /// Whether an admin may switch rule `id` off: not one the ticket stories go through.
    pub(super) fn pausable(&self, id: &str) -> bool {
        self.find_obj(id)
            .and_then(|i| Some(self.objs[i].fields[self.field_ix(i, "enabled")?].weight > 0))
            .unwrap_or(false)
    }

    pub(super) fn flag_on(&self, id: &str, field: &str) -> bool {
        self.find_obj(id)
            .and_then(|i| Some(self.objs[i].fields[self.field_ix(i, field)?].cur != 0))
            .unwrap_or(false)
    }

    /// Moves a number by `by`, within its range.
    pub(super) fn bump(&mut self, d: &mut Desk, id: &str, field: &str, by: i64) -> bool {
        let Some(i) = self.find_obj(id) else {
            return false;
        };
        let Some(f) = self.field_ix(i, field) else {
            return false;
        };
        let fl = &self.objs[i].fields[f];
        let Shape::Num { lo, hi, .. } = fl.shape else {
            return false;
        };
        let to = (fl.cur + by).clamp(lo, hi);
        self.set_state(d, id, field, to)
    }

    /// Adds `item` to (or removes it from) the set `field` of `id`; an item the pool lacks is
    /// added to it.
    pub(super) fn set_item(
        &mut self,
        d: &mut Desk,
        id: &str,
        field: &str,
        item: &'static str,
        on: bool,
    ) -> bool {
        let Some(i) = self.at_hand(d, id) else {
            return false;
        };
        let Some(f) = self.field_ix(i, field) else {
            return false;
        };
        let fl = &mut self.objs[i].fields[f];
        let Shape::Set { pool, .. } = &mut fl.shape else {
            return false;
        };
        let k = match pool.iter().position(|x| *x == item) {
            Some(k) => k,
            None if on && pool.len() < 62 => {
                pool.push(item);
                pool.len() - 1
            }
            None => return false,
        };
        let to = if on {
            fl.cur | (1 << k)
        } else {
            fl.cur & !(1 << k)
        };
        self.set_state(d, id, field, to)
    }

    /// Creates the planned or spare object `id`.
    pub(super) fn make(&mut self, d: &mut Desk, id: &str) -> bool {
        let Some(i) = self.find_obj(id) else {
            return false;
        };
        if d.t > d.end || !self.create_at(i, d.t, user(d.a)) {
            return false;
        }
        self.wait(d, 3, 12);
        true
    }

    /// Creates the first spare object of `kind`, if any is left.
    pub(super) fn make_spare(&mut self, d: &mut Desk, kind: &str) -> Option<String> {
        let i = self
            .objs
            .iter()
            .position(|o| o.kind == kind && o.life == Life::Spare)?;
        let id = self.objs[i].id.clone();
        self.make(d, &id).then_some(id)
    }

    /// Deletes the first legacy object of `kind`, if any is left.
    pub(super) fn drop_legacy(&mut self, d: &mut Desk, kind: &str) -> bool {
        if d.t > d.end || !self.has(kind, Life::Legacy) {
            return false;
        }
        let ok = self.retire_obj(kind, "deleted", d.t, user(d.a));
        self.wait(d, 1, 5);
        ok
    }

    /// Up to `n` random objects of `kind` an admin can edit now.
    pub(super) fn some_of(&mut self, d: &Desk, kind: &str, n: usize) -> Vec<String> {
        let mut xs = self.editable_objs(kind, d.t, user(d.a));
        shuffle(&mut self.rng, &mut xs);
        xs.truncate(n);
        xs.into_iter().map(|i| self.objs[i].id.clone()).collect()
    }
}
