//! Forms from the office on the device: fetched at enrollment and at every sync (only when the
//! set changed), kept as the authority signed them, and checked again each time they are read.

use super::{Engine, Host};
use crate::error::{Error, ErrorCode, Result};
use crate::forms::{verify_forms, FormSet};
use crate::keys::PublicKey;
use crate::store::{setting, Store};
use crate::sync::wire::{SyncOptions, Transport};
use serde_json::Value;

/// The set of forms `signed` holds when one of `authorities` signed it (a set swapped in
/// storage is not used).
pub(crate) fn verified_by_any(signed: &str, authorities: &[PublicKey]) -> Option<FormSet> {
    authorities.iter().find_map(|authority| verify_forms(signed, authority).ok())
}

/// The authorities the device's enrolled identities pinned.
pub(crate) async fn authorities(store: &impl Store) -> Result<Vec<PublicKey>> {
    let rows = store.identities().await?;
    Ok(rows.into_iter().filter_map(|row| PublicKey::from_jwk(&row.credentials?.authority).ok()).collect())
}

impl<H: Host> Engine<'_, H> {
    /// Fetches the forms in use unless the server says the device holds them already; keeps
    /// them when an authority the device pinned signed them and they are not older than those
    /// it holds (an old set replayed does not take back a form's newer version). Whether the
    /// device's forms changed. A server without forms (404, an older version) is no failure.
    pub(super) async fn refresh_forms(&self, transport: &impl Transport, options: SyncOptions) -> Result<bool> {
        let store = self.host.store();
        let pinned = authorities(store).await?;
        if pinned.is_empty() {
            return Ok(false); // nothing enrolled yet: nothing could check them
        }
        let held = store.setting(setting::FORMS).await?.and_then(|signed| verified_by_any(&signed, &pinned));
        let path = match &held {
            Some(set) => format!("/v1/forms?have={}", set.tag()),
            None => "/v1/forms".to_owned(),
        };
        let answer = self.answered_with_retries(transport, &path, options, || transport.get(&path)).await?;
        match answer.status {
            200..=299 => {}
            404 => return Ok(false),
            _ => return Err(answer.refused("/v1/forms")),
        }
        let answer: Value = answer.json()?;
        if answer.get("unchanged") == Some(&Value::Bool(true)) {
            return Ok(false);
        }
        let signed = answer.get("forms").and_then(Value::as_str).unwrap_or_default();
        let mut fresh = Err(Error::new(ErrorCode::AnswerUntrusted, "no authority"));
        for authority in &pinned {
            fresh = verify_forms(signed, authority);
            if fresh.is_ok() {
                break;
            }
        }
        let fresh = fresh.map_err(|e| {
            let why = format!("{}: {}", e.code().as_str(), e.message());
            Error::new(ErrorCode::AnswerUntrusted, format!("the server's forms are not signed by an authority this device pinned ({why:.200})"))
        })?;
        if held.is_some_and(|held| held.issued_at > fresh.issued_at) {
            return Ok(false);
        }
        store.put_setting(setting::FORMS, signed).await?;
        Ok(true)
    }
}
