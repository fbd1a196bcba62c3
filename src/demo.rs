//! Realistic demo history for the `demo` org (being written).
pub struct DemoOptions {
    pub seed: u64,
    pub now_micros: i64,
    pub days: u32,
    pub events: usize,
}
pub fn generate(_catalog: &crate::model::Catalog, _opts: &DemoOptions) -> Vec<serde_json::Value> {
    Vec::new()
}
