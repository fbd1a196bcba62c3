//! Listings and counts: PostgreSQL's [`sql::Dialect`] for the shared builders, and the
//! packed action x actor rollup read.

use super::*;

pub(super) type Params = Vec<Box<dyn ToSql + Sync + Send>>;

pub(super) fn refs(p: &Params) -> Vec<&(dyn ToSql + Sync)> {
    p.iter()
        .map(|b| b.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// PostgreSQL's SQL for the shared builders ([`sql`]): numbered placeholders, lists as
/// arrays, the keyset as a row comparison on `(occurred_at, seq)`.
#[derive(Default)]
pub(super) struct Pg {
    pub(super) params: Params,
}

impl sql::Dialect for Pg {
    fn bind(&mut self, p: sql::Param) -> String {
        self.params.push(match p {
            sql::Param::Int(i) => Box::new(i),
            sql::Param::Ints(v) => Box::new(v),
            sql::Param::Texts(v) => Box::new(v),
        });
        format!("${}", self.params.len())
    }

    fn one_of(&mut self, column: &str, values: &[String]) -> String {
        format!(
            "{column} = ANY({})",
            self.bind(sql::Param::Texts(values.to_vec()))
        )
    }

    /// `= ANY($n)` compares each row with every value of the list (dozens of actions for a
    /// category); a hashed subplan does one lookup per row.
    fn in_set(&mut self, column: &str, values: &[String]) -> String {
        format!(
            "{column} IN (SELECT unnest({}::TEXT[]))",
            self.bind(sql::Param::Texts(values.to_vec()))
        )
    }

    fn bucket_in(&mut self, buckets: &[i64]) -> String {
        format!(
            "bucket = ANY({})",
            self.bind(sql::Param::Ints(buckets.to_vec()))
        )
    }

    fn after(&mut self, cmp: &str, _org_id: i64, occurred_at: i64, seq: u64) -> String {
        let t = self.bind(sql::Param::Int(occurred_at));
        let s = self.bind(sql::Param::Int(seq as i64));
        format!("(occurred_at, seq) {cmp} ({t}, {s})")
    }

    fn seq_column(&self) -> &'static str {
        "seq"
    }

    fn sum_n(&self) -> &'static str {
        "COALESCE(SUM(n), 0)::BIGINT"
    }
}

impl sql::CountCells for tokio_postgres::Row {
    fn int(&self, i: usize) -> StoreResult<Option<i64>> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> StoreResult<String> {
        Ok(self.try_get(i)?)
    }
}

/// Reads the packed action x actor day rollup and groups it in memory.
pub(super) async fn count_actor_actions<C: GenericClient>(
    c: &C,
    org_id: i64,
    q: &CountQuery,
) -> StoreResult<Vec<CountRow>> {
    let mut d = Pg::default();
    let text = sql::actor_actions(&mut d, org_id, q);
    let mut tally = crate::store::ActorActionTally::new(q);
    for r in c
        .query(&c.prepare_cached(&text).await?, &refs(&d.params))
        .await?
    {
        tally.add(r.get(0), (r.get(1), r.get(2), r.get(3)), r.get(4));
    }
    Ok(tally.finish())
}
