//! auditlog: a multi-tenant audit log service for customer-support platforms.
//!
//! Layers, top to bottom: [`cli`] and [`api`] (HTTP) call [`service`] (validation,
//! authorization, hashing), which calls a [`store::Store`] (SQL). [`model`] holds the domain
//! types every layer shares; [`config`] every default of the configuration. See
//! ARCHITECTURE.md.

pub mod api;
pub mod cli;
pub mod config;
pub mod demo;
pub mod model;
pub mod server;
pub mod service;
pub mod store;
