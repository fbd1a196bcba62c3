//! Building one event: who performed it and through what (`By`), and its entity, changes,
//! related objects and metadata (`Ev`).

use super::cast::{AGENTS, Via};
use serde_json::{Map, Value, json};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    System,
    User(usize),
}

/// Who performed an action and through what.
#[derive(Clone, Copy)]
pub(super) struct By {
    pub(super) who: Who,
    pub(super) via: Option<Via>,
}

pub(super) fn user(a: usize) -> By {
    By {
        who: Who::User(a),
        via: None,
    }
}

pub(super) fn user_via(a: usize, v: Via) -> By {
    By {
        who: Who::User(a),
        via: Some(v),
    }
}

pub(super) fn sys(v: Via) -> By {
    By {
        who: Who::System,
        via: Some(v),
    }
}

pub(super) const SYSTEM: By = By {
    who: Who::System,
    via: None,
};

pub(super) struct Ev {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) by: By,
    pub(super) related: Vec<Value>,
    pub(super) changes: Vec<Value>,
    pub(super) meta: Option<Value>,
}

impl Ev {
    pub(super) fn new(id: impl Into<String>, name: impl Into<String>, by: By) -> Ev {
        Ev {
            id: id.into(),
            name: Some(name.into()),
            by,
            related: Vec::new(),
            changes: Vec::new(),
            meta: None,
        }
    }

    pub(super) fn anon(id: impl Into<String>, by: By) -> Ev {
        let mut e = Ev::new(id, "", by);
        e.name = None;
        e
    }

    /// A change; a `null` old or new is left out (a creation, a removal).
    pub(super) fn chg(mut self, field: &str, old: Value, new: Value) -> Ev {
        let mut m = Map::new();
        m.insert("field".into(), Value::String(field.into()));
        if !old.is_null() {
            m.insert("old".into(), old);
        }
        if !new.is_null() {
            m.insert("new".into(), new);
        }
        self.changes.push(Value::Object(m));
        self
    }

    /// A related object; empty `role` or `name` are left out.
    pub(super) fn rel(mut self, kind: &str, id: &str, role: &str, name: &str) -> Ev {
        let mut m = Map::new();
        m.insert("type".into(), Value::String(kind.into()));
        m.insert("id".into(), Value::String(id.into()));
        if !role.is_empty() {
            m.insert("role".into(), Value::String(role.into()));
        }
        if !name.is_empty() {
            m.insert("name".into(), Value::String(name.into()));
        }
        self.related.push(Value::Object(m));
        self
    }

    pub(super) fn meta(mut self, v: Value) -> Ev {
        self.meta = Some(v);
        self
    }
}

pub(super) fn agent_ref(a: usize) -> Value {
    json!({"id": AGENTS[a].id, "name": AGENTS[a].name})
}
