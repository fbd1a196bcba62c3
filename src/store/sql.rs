//! The listing and count queries, built once for both backends. What differs between the
//! SQL of SQLite and PostgreSQL (placeholders, list membership, the keyset comparison, the
//! type of a sum) is a [`Dialect`]; the rest, which table answers, which columns are
//! grouped, which filters apply and in what order the cells come back, is written here.

use super::{CountQuery, CountRow, CountSource, EventQuery, Order, StoreError, StoreResult};

/// A statement parameter, before a backend turns it into its own type.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Ints(Vec<i64>),
    Texts(Vec<String>),
}

/// How a backend writes what the builders need. Each call that takes a value binds it as
/// the statement's next parameter and returns the SQL that refers to it.
pub trait Dialect {
    /// A placeholder for `p`.
    fn bind(&mut self, p: Param) -> String;
    /// `column` is one of `values` (a listing: few values, compared one by one).
    fn one_of(&mut self, column: &str, values: &[String]) -> String;
    /// `column` is one of `values` in a count (maybe dozens: a category's actions).
    fn in_set(&mut self, column: &str, values: &[String]) -> String {
        self.one_of(column, values)
    }
    /// `bucket` is one of `buckets`.
    fn bucket_in(&mut self, buckets: &[i64]) -> String;
    /// The listing's keyset position: strictly after `(occurred_at, seq)` by `cmp` (`>` or
    /// `<`), for the org `org_id`.
    fn after(&mut self, cmp: &str, org_id: i64, occurred_at: i64, seq: u64) -> String;
    /// The column that orders an org's events by seq.
    fn seq_column(&self) -> &'static str;
    /// The sum of rollup counts, as a 64-bit integer.
    fn sum_n(&self) -> &'static str;
}

/// A rollup row's time: its bucket, or the UTC day the bucket is in.
pub fn rollup_time(q: &CountQuery) -> &'static str {
    if q.time_by_day {
        "bucket - ((bucket % 86400000000) + 86400000000) % 86400000000"
    } else {
        "bucket"
    }
}

/// `AND column IN (...)` for each filter that is set: action, entity id, actor id, actor
/// type, in that order (`in_set`: the count's form of a list, [`Dialect::in_set`]).
fn member_filters(d: &mut impl Dialect, lists: [&Option<Vec<String>>; 4], in_set: bool) -> String {
    let mut sql = String::new();
    for (column, values) in ["action", "entity_id", "actor_id", "actor_type"]
        .into_iter()
        .zip(lists)
    {
        if let Some(v) = values {
            sql.push_str(" AND ");
            sql.push_str(&if in_set {
                d.in_set(column, v)
            } else {
                d.one_of(column, v)
            });
        }
    }
    sql
}

/// The listing: walks the org's `(occurred_at, seq)` index in order and stops at `limit`.
pub fn listing(d: &mut impl Dialect, org_id: i64, q: &EventQuery) -> String {
    let mut sql = format!(
        "SELECT seq, occurred_at, body FROM events WHERE org_id = {}",
        d.bind(Param::Int(org_id))
    );
    if let Some(from) = q.from {
        sql.push_str(&format!(" AND occurred_at >= {}", d.bind(Param::Int(from))));
    }
    if let Some(to) = q.to {
        sql.push_str(&format!(" AND occurred_at < {}", d.bind(Param::Int(to))));
    }
    let lists = [&q.actions, &q.entity_ids, &q.actor_ids, &q.actor_types];
    sql.push_str(&member_filters(d, lists, false));
    let (cmp, dir) = match q.order {
        Order::Asc => (">", "ASC"),
        Order::Desc => ("<", "DESC"),
    };
    if let Some((t, seq)) = q.after {
        sql.push_str(" AND ");
        sql.push_str(&d.after(cmp, org_id, t, seq));
    }
    let seq = d.seq_column();
    sql.push_str(&format!(
        " ORDER BY occurred_at {dir}, {seq} {dir} LIMIT {}",
        d.bind(Param::Int(q.limit as i64))
    ));
    sql
}

/// A count from the events or from the per-action or per-actor rollups. The combined
/// action x actor rollup is packed: [`actor_actions`] reads it.
pub fn count(d: &mut impl Dialect, org_id: i64, q: &CountQuery) -> StoreResult<String> {
    let (table, time_col, count_expr) = match q.source {
        CountSource::Events => (
            "events",
            "occurred_at - (occurred_at % 60000000)",
            "COUNT(*)",
        ),
        CountSource::Hourly | CountSource::Daily => {
            let table = match (q.needs_action(), q.needs_actor()) {
                (_, false) => "rollup_action",
                (false, true) => "rollup_actor",
                (true, true) => {
                    return Err(StoreError::Internal(
                        "action x actor rollups are packed: actor_actions reads them".into(),
                    ));
                }
            };
            let n = if q.groups_are_rollup_rows() {
                "n"
            } else {
                d.sum_n()
            };
            (table, rollup_time(q), n)
        }
    };
    if q.entity_ids.is_some() && q.source != CountSource::Events {
        return Err(StoreError::Internal(
            "rollups cannot filter by entity".into(),
        ));
    }
    let cols = q.group_columns(time_col);
    let mut sql = format!("SELECT {}", cols.join(", "));
    if !cols.is_empty() {
        sql.push_str(", ");
    }
    sql.push_str(count_expr);
    sql.push_str(" FROM ");
    sql.push_str(table);
    sql.push_str(&format!(" WHERE org_id = {}", d.bind(Param::Int(org_id))));
    let grain = if q.source == CountSource::Hourly {
        super::ledger::GRAIN_HOUR
    } else {
        super::ledger::GRAIN_DAY
    };
    match (q.source, q.buckets.as_ref()) {
        (CountSource::Events, _) => {
            let (from, to) = (d.bind(Param::Int(q.from)), d.bind(Param::Int(q.to)));
            sql.push_str(&format!(
                " AND occurred_at >= {from} AND occurred_at < {to}"
            ));
        }
        // the buckets are inside [from, to): looked up by key, one by one
        (_, Some(buckets)) => {
            sql.push_str(&format!(
                " AND grain = {grain} AND {}",
                d.bucket_in(buckets)
            ));
        }
        (_, None) => {
            let (from, to) = (d.bind(Param::Int(q.from)), d.bind(Param::Int(q.to)));
            sql.push_str(&format!(
                " AND grain = {grain} AND bucket >= {from} AND bucket < {to}"
            ));
        }
    }
    let lists = [&q.actions, &q.entity_ids, &q.actor_ids, &q.actor_types];
    sql.push_str(&member_filters(d, lists, true));
    if !cols.is_empty() && !q.groups_are_rollup_rows() {
        sql.push_str(" GROUP BY ");
        sql.push_str(
            &(1..=cols.len())
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    Ok(sql)
}

/// The packed action x actor day rollup rows of a count: bucket, actor type, actor id, via
/// type, packed counts (grouped in memory by [`super::ActorActionTally`]).
pub fn actor_actions(d: &mut impl Dialect, org_id: i64, q: &CountQuery) -> String {
    let (org, from, to) = (
        d.bind(Param::Int(org_id)),
        d.bind(Param::Int(q.from)),
        d.bind(Param::Int(q.to)),
    );
    let mut sql = format!(
        "SELECT bucket, actor_type, actor_id, via_type, counts FROM rollup_actor_actions
         WHERE org_id = {org} AND bucket >= {from} AND bucket < {to}"
    );
    for (column, values) in [("actor_id", &q.actor_ids), ("actor_type", &q.actor_types)] {
        if let Some(v) = values {
            sql.push_str(" AND ");
            sql.push_str(&d.in_set(column, v));
        }
    }
    sql
}

/// A cell of a count's result row, read by position.
pub trait CountCells {
    fn int(&self, i: usize) -> StoreResult<Option<i64>>;
    fn text(&self, i: usize) -> StoreResult<String>;
}

/// A count's row as [`count`] selects it: time, action, actor type, actor id, via type,
/// each if grouped by, then the count.
pub fn count_row(q: &CountQuery, r: &impl CountCells) -> StoreResult<CountRow> {
    let mut i = 0usize;
    let mut next = || {
        i += 1;
        i - 1
    };
    let time = if q.by_time { r.int(next())? } else { None };
    let action = if q.by_action {
        Some(r.text(next())?)
    } else {
        None
    };
    let (actor_type, actor_id, via_type) = if q.by_actor {
        (
            Some(r.text(next())?),
            Some(r.text(next())?),
            Some(r.text(next())?),
        )
    } else {
        (None, None, None)
    };
    let n = r.int(next())?;
    Ok(CountRow {
        time,
        action,
        actor_type,
        actor_id,
        via_type,
        n: n.unwrap_or(0).max(0) as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes placeholders as `{n}` and lists by value, to read the built SQL.
    #[derive(Default)]
    struct Plain(Vec<Param>);

    impl Dialect for Plain {
        fn bind(&mut self, p: Param) -> String {
            self.0.push(p);
            format!("{{{}}}", self.0.len())
        }
        fn one_of(&mut self, column: &str, values: &[String]) -> String {
            format!("{column} IN {}", self.bind(Param::Texts(values.to_vec())))
        }
        fn bucket_in(&mut self, buckets: &[i64]) -> String {
            format!("bucket IN {}", self.bind(Param::Ints(buckets.to_vec())))
        }
        fn after(&mut self, cmp: &str, _org: i64, t: i64, seq: u64) -> String {
            format!("(t, seq) {cmp} ({t}, {seq})")
        }
        fn seq_column(&self) -> &'static str {
            "seq"
        }
        fn sum_n(&self) -> &'static str {
            "SUM(n)"
        }
    }

    #[test]
    fn a_count_reads_the_table_that_answers_it() {
        let mut q = CountQuery {
            by_action: true,
            by_time: true,
            ..CountQuery::new(CountSource::Hourly, 0, 10)
        };
        let mut d = Plain::default();
        assert_eq!(
            count(&mut d, 7, &q).unwrap(),
            "SELECT bucket, action, n FROM rollup_action WHERE org_id = {1} AND grain = 0 AND bucket >= {2} AND bucket < {3}"
        );
        assert_eq!(d.0, vec![Param::Int(7), Param::Int(0), Param::Int(10)]);
        q.by_action = false;
        q.by_actor = true;
        q.source = CountSource::Daily;
        q.time_by_day = true;
        q.buckets = Some(vec![0, 5]);
        let sql = count(&mut Plain::default(), 7, &q).unwrap();
        assert!(sql.contains("FROM rollup_actor"), "{sql}");
        assert!(sql.contains("grain = 1 AND bucket IN {2}"), "{sql}");
        assert!(sql.ends_with("GROUP BY 1, 2, 3, 4"), "{sql}");
        q.actions = Some(vec!["rule.updated".into()]);
        assert!(count(&mut Plain::default(), 7, &q).is_err()); // the packed table
        q.source = CountSource::Events;
        q.entity_ids = Some(vec!["r1".into()]);
        let sql = count(&mut Plain::default(), 7, &q).unwrap();
        assert!(
            sql.contains("FROM events") && sql.contains("entity_id IN"),
            "{sql}"
        );
        q.source = CountSource::Hourly;
        assert!(count(&mut Plain::default(), 7, &q).is_err()); // rollups know no entities
    }

    #[test]
    fn a_listing_filters_then_orders_by_time_and_seq() {
        let q = EventQuery {
            from: Some(1),
            to: None,
            actions: Some(vec!["a".into()]),
            entity_ids: None,
            actor_ids: None,
            actor_types: None,
            order: Order::Desc,
            after: Some((5, 9)),
            limit: 50,
        };
        assert_eq!(
            listing(&mut Plain::default(), 3, &q),
            "SELECT seq, occurred_at, body FROM events WHERE org_id = {1} AND occurred_at >= {2} AND action IN {3} AND (t, seq) < (5, 9) ORDER BY occurred_at DESC, seq DESC LIMIT {4}"
        );
    }
}
