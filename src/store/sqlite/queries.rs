//! Listings and counts: SQLite's [`sql::Dialect`] for the shared builders, and the packed
//! action x actor rollup read.

use super::*;

/// SQLite's SQL for the shared builders ([`sql`]): `?` placeholders, lists inline, the
/// keyset on the `pk` that orders an org's events by seq.
#[derive(Default)]
pub(super) struct Lite {
    pub(super) params: Vec<SqlValue>,
}

impl sql::Dialect for Lite {
    fn bind(&mut self, p: sql::Param) -> String {
        self.params.push(match p {
            sql::Param::Int(i) => SqlValue::Integer(i),
            sql::Param::Ints(v) => SqlValue::Text(serde_json::Value::from(v).to_string()),
            sql::Param::Texts(v) => SqlValue::Text(serde_json::Value::from(v).to_string()),
        });
        "?".into()
    }

    fn one_of(&mut self, column: &str, values: &[String]) -> String {
        let mut sql = format!("{column} IN (");
        for (i, v) in values.iter().enumerate() {
            sql.push_str(if i == 0 { "?" } else { ",?" });
            self.params.push(SqlValue::Text(v.clone()));
        }
        sql.push(')');
        sql
    }

    fn bucket_in(&mut self, buckets: &[i64]) -> String {
        format!(
            "bucket IN (SELECT value FROM json_each({}))",
            self.bind(sql::Param::Ints(buckets.to_vec()))
        )
    }

    fn after(&mut self, cmp: &str, org_id: i64, occurred_at: i64, seq: u64) -> String {
        self.params.push(SqlValue::Integer(occurred_at));
        self.params.push(SqlValue::Integer(occurred_at));
        self.params.push(SqlValue::Integer(pk(org_id, seq)));
        format!("occurred_at {cmp}= ? AND (occurred_at {cmp} ? OR pk {cmp} ?)")
    }

    fn seq_column(&self) -> &'static str {
        "pk"
    }

    fn sum_n(&self) -> &'static str {
        "SUM(n)"
    }
}

impl sql::CountCells for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> StoreResult<Option<i64>> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> StoreResult<String> {
        Ok(self.get(i)?)
    }
}

/// Reads the packed action x actor day rollup and groups it in memory.
pub(super) fn count_actor_actions(
    conn: &Connection,
    org_id: i64,
    q: &CountQuery,
) -> StoreResult<Vec<CountRow>> {
    let mut d = Lite::default();
    let text = sql::actor_actions(&mut d, org_id, q);
    let mut tally = ActorActionTally::new(q);
    let mut stmt = conn.prepare_cached(&text)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(d.params))?;
    while let Some(r) = rows.next()? {
        let counts: String = r.get(4)?;
        tally.add(r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?), &counts);
    }
    Ok(tally.finish())
}
