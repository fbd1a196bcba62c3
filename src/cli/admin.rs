//! `auditlog org ...` and `auditlog key ...`: operator commands that open the database
//! directly (no server needed) and act through the service as the operator.

use std::io::Write;
use std::process::ExitCode;

use super::DbArgs;
use crate::api::views;
use crate::model::Scope;
use crate::model::time::format_micros;
use crate::service::{CreatedKey, Principal};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization and print its first admin key.
    #[command(after_help = r#"Examples:
  auditlog org create acme --name "Acme Support"
  auditlog org create globex --json --data-dir ./auditlog-data"#)]
    Create {
        /// The org's short identifier, used in --org and in URLs: 2 to 64 characters of a-z,
        /// 0-9 and '-', not starting with '-', e.g. acme.
        slug: String,
        /// Display name, e.g. "Acme Support" (default: the slug).
        #[arg(long)]
        name: Option<String>,
        /// Print JSON (the org and its admin key with the secret) instead of text.
        #[arg(long)]
        json: bool,
        /// Print only the admin key's secret (for `export KEY=$(auditlog org create ...)`).
        #[arg(long, conflicts_with = "json")]
        secret_only: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Rename an organization (its display name; the slug stays). Recorded in the org's log
    /// as org.renamed.
    #[command(after_help = r#"Example:
  auditlog org rename acme --name "Acme Customer Care""#)]
    Rename {
        /// The org's slug, e.g. acme.
        slug: String,
        /// The new display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List organizations: slug, name and when each was created.
    #[command(after_help = "Examples:\n  auditlog org list\n  auditlog org list --json")]
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Args)]
pub struct KeyOrg {
    /// The organization's slug, e.g. acme (see `auditlog org list`).
    #[arg(long)]
    pub org: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create an API key and print its secret (shown once).
    #[command(after_help = "Examples:
  auditlog key create --org acme --scope read --name reports
  auditlog key create --org acme --scope write --name helpdesk-backend --json")]
    Create {
        #[command(flatten)]
        target: KeyOrg,
        /// What the key may do: read (query, export, proofs), write (send events), admin
        /// (both, and manage the org's keys and settings).
        #[arg(long, value_enum)]
        scope: Scope,
        /// A label to recognise the key by in `key list`, e.g. reports (default: none).
        #[arg(long, default_value = "", hide_default_value = true)]
        name: String,
        /// Print JSON (the key's id, scope, name and its secret) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List an organization's keys: id, scope, prefix, name, state (never their secrets).
    #[command(after_help = "Example:\n  auditlog key list --org acme")]
    List {
        #[command(flatten)]
        target: KeyOrg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its id (`key_...`); it stops working at once.
    #[command(
        after_help = "Example:\n  auditlog key revoke --org acme key_01M80EJ1MVP11SGDWKW17BYCTF"
    )]
    Revoke {
        #[command(flatten)]
        target: KeyOrg,
        /// The key's id (`key_...`, not its secret) as `auditlog key list` shows it.
        key_id: String,
    },
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
            secret_only,
            db,
        } => {
            let svc = db.service().await?;
            let created = svc
                .create_org(
                    &Principal::OperatorCommand("auditlog org create"),
                    &slug,
                    name.as_deref(),
                )
                .await?;
            if secret_only {
                // the confirmation where a person sees it, the secret where a script takes it
                eprintln!(
                    "created org {} ({}); its admin key is on stdout, shown only this once",
                    created.org.slug, created.org.name
                );
                writeln!(out, "{}", created.admin_key.secret)?;
            } else if json {
                let v = views::CreatedOrg::from(&created);
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
        OrgCommand::Rename { slug, name, db } => {
            let org = db
                .service()
                .await?
                .rename_org(
                    &Principal::OperatorCommand("auditlog org rename"),
                    &slug,
                    &name,
                )
                .await?;
            writeln!(out, "renamed org {} to {}", org.slug, org.name)?;
        }
        OrgCommand::List { json, db } => {
            let orgs = db.service().await?.list_orgs(&Principal::Operator).await?;
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&views::OrgList::from(orgs.as_slice()))?
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
    match cmd {
        KeyCommand::Create {
            target,
            scope,
            name,
            json,
        } => {
            let created = target
                .db
                .service()
                .await?
                .create_key(
                    &Principal::OperatorCommand("auditlog key create"),
                    &target.org,
                    scope,
                    &name,
                )
                .await?;
            if json {
                let v = views::CreatedKey::from(&created);
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                print_key(out, &created)?;
            }
        }
        KeyCommand::List { target, json } => {
            let keys = target
                .db
                .service()
                .await?
                .list_keys(&Principal::Operator, &target.org)
                .await?;
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&views::KeyList::from(keys.as_slice()))?
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
            target
                .db
                .service()
                .await?
                .revoke_key(
                    &Principal::OperatorCommand("auditlog key revoke"),
                    &target.org,
                    &key_id,
                )
                .await?;
            writeln!(out, "revoked {key_id}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
