//! Gen's operations on configuration objects, one event each: create a spare or planned object,
//! save a change of some fields (filed under the current change request), retire an object,
//! merge a tag, an AI rule suggestion.

use super::cast::I_AI;
use super::event::{By, Ev, Who, sys};
use super::fields::SCIM_FIELDS;
use super::generator::Gen;
use super::objects::Life;
use serde_json::{Value, json};

impl Gen<'_> {
    pub(super) fn has(&self, kind: &str, life: Life) -> bool {
        self.objs.iter().any(|o| o.kind == kind && o.life == life)
    }

    pub(super) fn find_obj(&self, id: &str) -> Option<usize> {
        self.objs.iter().position(|o| o.id == id)
    }

    pub(super) fn field_ix(&self, i: usize, name: &str) -> Option<usize> {
        self.objs[i].fields.iter().position(|f| f.name == name)
    }

    pub(super) fn live_at(&self, i: usize, t: i64) -> bool {
        let o = &self.objs[i];
        matches!(o.life, Life::Live | Life::Legacy) && o.since < t
    }

    /// Fields `by` may edit, with their weights: an admin everything but the SCIM fields,
    /// the Okta sync only those.
    pub(super) fn editable(&self, i: usize, by: By) -> Vec<(usize, u32)> {
        let scim = by.who == Who::System;
        self.objs[i]
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.weight > 0 && f.movable())
            .filter(|(_, f)| SCIM_FIELDS.contains(&f.name) == scim)
            .map(|(k, f)| (k, f.weight))
            .collect()
    }

    /// Objects of `kind` that exist at `t` and that `by` has something to edit on.
    pub(super) fn editable_objs(&self, kind: &str, t: i64, by: By) -> Vec<usize> {
        (0..self.objs.len())
            .filter(|&i| self.objs[i].kind == kind && self.live_at(i, t))
            .filter(|&i| !self.editable(i, by).is_empty())
            .collect()
    }

    pub(super) fn open_change_request(&mut self) {
        self.next_change += 1 + self.rng.below(6) as u32;
        self.change_request = Some(format!("CHG-{}", self.next_change));
    }

    pub(super) fn filed(&self, ev: Ev, by: By) -> Ev {
        match &self.change_request {
            Some(cr) if by.who != Who::System => ev.meta(json!({"change_request": cr})),
            _ => ev,
        }
    }

    /// Creates the first spare object of `kind`.
    pub(super) fn create_obj(&mut self, kind: &str, t: i64, by: By) -> bool {
        let i = self
            .objs
            .iter()
            .position(|o| o.kind == kind && o.life == Life::Spare);
        i.is_some_and(|i| self.create_at(i, t, by))
    }

    /// `<kind>.created` for a spare or planned object, with each field's first value.
    pub(super) fn create_at(&mut self, i: usize, t: i64, by: By) -> bool {
        let o = &self.objs[i];
        if !matches!(o.life, Life::Spare | Life::Planned) {
            return false;
        }
        let mut ev = Ev::new(o.id.clone(), o.name.clone(), by);
        for f in &o.fields {
            ev = ev.chg(f.name, Value::Null, f.value());
        }
        let action = format!("{}.created", o.kind);
        let ev = self.filed(ev, by);
        if !self.emit(t, &action, ev) {
            return false;
        }
        let o = &mut self.objs[i];
        o.life = Life::Live;
        o.since = t;
        true
    }

    /// One save of object `i`: `<kind>.updated` with each field moved to its new state. A
    /// change of `name` renames the object.
    pub(super) fn save(&mut self, i: usize, moves: &[(usize, i64)], t: i64, by: By) -> bool {
        let o = &self.objs[i];
        let mut name = o.name.clone();
        let mut ev = Ev::new(o.id.clone(), "", by);
        for &(f, to) in moves {
            let f = &o.fields[f];
            let new = f.value_at(to);
            if f.name == "name"
                && let Some(s) = new.as_str()
            {
                name = s.to_string();
            }
            ev = ev.chg(f.name, f.value(), new);
        }
        ev.name = Some(name.clone());
        let action = format!("{}.updated", o.kind);
        let ev = self.filed(ev, by);
        if !self.emit(t, &action, ev) {
            return false;
        }
        let o = &mut self.objs[i];
        o.name = name;
        for &(f, to) in moves {
            o.fields[f].cur = to;
        }
        true
    }

    /// One save of object `i` changing a field `by` may edit (sometimes `again`, the one
    /// changed just before), now and then together with a second one. Returns the field.
    pub(super) fn save_some(
        &mut self,
        i: usize,
        again: Option<usize>,
        t: i64,
        by: By,
    ) -> Option<usize> {
        let fs = self.editable(i, by);
        if fs.is_empty() {
            return None;
        }
        let ws: Vec<u32> = fs.iter().map(|f| f.1).collect();
        let f = match again {
            Some(g) if fs.iter().any(|x| x.0 == g) && self.rng.chance(0.4) => g,
            _ => fs[self.rng.weighted(&ws)].0,
        };
        let mut moves = vec![(f, self.objs[i].fields[f].next(&mut self.rng))];
        if fs.len() > 1 && self.rng.chance(0.2) {
            let g = fs[self.rng.weighted(&ws)].0;
            if g != f {
                moves.push((g, self.objs[i].fields[g].next(&mut self.rng)));
            }
        }
        self.save(i, &moves, t, by).then_some(f)
    }

    /// `<kind>.updated` for a random object of `kind` (used by the coverage phase).
    pub(super) fn update_obj(&mut self, kind: &str, t: i64, by: By) -> bool {
        let cands = self.editable_objs(kind, t, by);
        if cands.is_empty() {
            return false;
        }
        let i = *self.rng.pick(&cands);
        self.save_some(i, None, t, by).is_some()
    }

    /// Deletes (or deactivates) a legacy object, or one created during the period.
    pub(super) fn retire_obj(&mut self, kind: &str, verb: &str, t: i64, by: By) -> bool {
        let Some(i) = self
            .objs
            .iter()
            .position(|o| o.kind == kind && o.life == Life::Legacy)
            .or_else(|| {
                self.objs.iter().position(|o| {
                    o.kind == kind && o.life == Life::Live && o.since != i64::MIN && o.since < t
                })
            })
        else {
            return false;
        };
        let o = &self.objs[i];
        let ev = Ev::new(o.id.clone(), o.name.clone(), by);
        let ev = self.filed(ev, by);
        if self.emit(t, &format!("{kind}.{verb}"), ev) {
            self.objs[i].life = Life::Gone;
            true
        } else {
            false
        }
    }

    /// The first merge of the period: the old `refunds` tag into `refund`.
    pub(super) fn merge_tag(&mut self, t: i64, by: By) -> bool {
        self.merge_tag_into("tag_590", "tag_501", t, by)
    }

    pub(super) fn merge_tag_into(&mut self, from: &str, into: &str, t: i64, by: By) -> bool {
        let (Some(i), Some(j)) = (self.find_obj(from), self.find_obj(into)) else {
            return false;
        };
        if self.objs[i].life != Life::Legacy {
            return false;
        }
        let n = self.rng.range(40, 260);
        let (into_id, into_name) = (self.objs[j].id.clone(), self.objs[j].name.clone());
        let ev = Ev::new(from, self.objs[i].name.clone(), by)
            .rel("tag", &into_id, "merged_into", &into_name)
            .meta(json!({"tickets_retagged": n}));
        if self.emit(t, "tag.merged", ev) {
            self.objs[i].life = Life::Gone;
            true
        } else {
            false
        }
    }

    /// AI Assist suggests a rule, at night.
    pub(super) fn suggestion(&mut self, t: i64) -> bool {
        const IDEAS: [&str; 5] = [
            "Auto-tag 'damaged item' messages",
            "Route Spanish-language tickets to Tier 1",
            "Auto-close 'thank you' replies",
            "Tag subscription cancellations",
            "Escalate repeat contacts within 24h",
        ];
        self.next_suggestion += 1;
        let idea = *self.rng.pick(&IDEAS);
        let based = self.rng.range(40, 400);
        let weekly = self.rng.range(5, 80);
        let ev = Ev::new(
            format!("rule_sugg_{}", self.next_suggestion),
            format!("Suggested: {idea}"),
            sys(I_AI),
        )
        .meta(json!({"based_on_tickets": based, "estimated_weekly_matches": weekly}));
        self.emit(t, "rule.suggestion_created", ev)
    }
}
