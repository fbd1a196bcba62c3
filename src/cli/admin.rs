//! `auditlog org ...` and `auditlog key ...`: operator commands that open the database
//! directly (no server needed).

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::DbArgs;
use crate::model::Scope;
use crate::model::time::format_micros;
use crate::server::open_store;
use crate::service::{CreatedKey, Limits, Principal, Service};

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization and print its first admin key.
    Create {
        /// Short identifier: a-z, 0-9 and '-'.
        slug: String,
        /// Display name (default: the slug).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List organizations.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Args)]
pub struct KeyOrg {
    /// The organization's slug.
    #[arg(long)]
    pub org: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create an API key and print its secret (shown once).
    Create {
        #[command(flatten)]
        target: KeyOrg,
        #[arg(long, value_enum)]
        scope: Scope,
        /// A label to recognise the key by.
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// List an organization's keys (never their secrets).
    List {
        #[command(flatten)]
        target: KeyOrg,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its id (`key_...`); it stops working at once.
    Revoke {
        #[command(flatten)]
        target: KeyOrg,
        /// The key's id as listed by `key list`.
        key_id: String,
    },
}

async fn service(db: &DbArgs) -> anyhow::Result<Service> {
    let store = open_store(
        &db.data_dir,
        db.database.as_deref(),
        db.unsafe_allow_unsynced,
    )
    .await?;
    Ok(Service::new(store, Limits::default(), None))
}

fn print_key(out: &mut impl Write, k: &CreatedKey) -> anyhow::Result<()> {
    writeln!(out, "key id:  {}", k.info.id)?;
    writeln!(out, "scope:   {}", k.info.scope.as_str())?;
    writeln!(out, "secret:  {}", k.secret)?;
    writeln!(out, "(the secret is shown only now; store it safely)")?;
    Ok(())
}

pub async fn org(cmd: OrgCommand, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    match cmd {
        OrgCommand::Create {
            slug,
            name,
            json,
            db,
        } => {
            let svc = service(&db).await?;
            let created = svc
                .create_org(&Principal::Operator, &slug, name.as_deref())
                .await?;
            if json {
                let v = json!({ "org": created.org, "admin_key": created.admin_key });
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                writeln!(
                    out,
                    "created org {} ({})",
                    created.org.slug, created.org.name
                )?;
                print_key(out, &created.admin_key)?;
            }
        }
        OrgCommand::List { json, db } => {
            let orgs = service(&db).await?.list_orgs(&Principal::Operator).await?;
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&json!({ "orgs": orgs }))?
                )?;
            } else {
                for o in orgs {
                    writeln!(
                        out,
                        "{:<24} {:<32} {}",
                        o.slug,
                        o.name,
                        format_micros(o.created_at)
                    )?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn key(cmd: KeyCommand, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let op = Principal::Operator;
    match cmd {
        KeyCommand::Create {
            target,
            scope,
            name,
            json,
        } => {
            let created = service(&target.db)
                .await?
                .create_key(&op, &target.org, scope, &name)
                .await?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&created)?)?;
            } else {
                print_key(out, &created)?;
            }
        }
        KeyCommand::List { target, json } => {
            let keys = service(&target.db)
                .await?
                .list_keys(&op, &target.org)
                .await?;
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&json!({ "keys": keys }))?
                )?;
            } else {
                for k in keys {
                    let state = match k.revoked_at {
                        Some(t) => format!("revoked {}", format_micros(t)),
                        None => "active".into(),
                    };
                    writeln!(
                        out,
                        "{:<32} {:<6} {:<14} {:<24} {}",
                        k.id,
                        k.scope.as_str(),
                        k.prefix,
                        k.name,
                        state
                    )?;
                }
            }
        }
        KeyCommand::Revoke { target, key_id } => {
            service(&target.db)
                .await?
                .revoke_key(&op, &target.org, &key_id)
                .await?;
            writeln!(out, "revoked {key_id}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
