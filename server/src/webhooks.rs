//! Webhooks: events (a new failure code, a failure spike, a device gone silent, a certificate
//! expiring or revoked, a chain gap) posted to the URLs administrators add in the console, as
//! Standard Webhooks 1.0 describes: headers `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under a `whsec_`
//! secret, so that receivers can check them with that standard's published libraries.
//!
//! Events are queued in the transaction of what caused them (a revocation, a stored report, a
//! record after a gap); a task delivers them, each webhook's in order and the webhooks side
//! by side, and tries again with growing waits (5 s to 4 h) for about a day before it gives up; each attempt's result is
//! kept and shown in the console. Another task looks every minute for silent devices,
//! expiring certificates and failure spikes.

use crate::api::{now, AppState};
use crate::storage::{Delivery, Storage, Webhook};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use std::sync::Arc;
use std::time::Duration;

/// Waits before each retry (ms); after the last, the delivery is given up.
const RETRY_WAITS_MS: [i64; 9] = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 14_400_000];
/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery is left to the instance that claimed it: its attempt's timeout,
/// and time to record the attempt.
const CLAIM_MS: i64 = 3 * TIMEOUT.as_millis() as i64;
/// Failure reports of one code within an hour that make a spike.
const SPIKE_REPORTS: u64 = 20;

/// A new webhook secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> Result<zeroize::Zeroizing<String>, String> {
    let mut bytes = zeroize::Zeroizing::new([0u8; 24]);
    getrandom::getrandom(bytes.as_mut()).map_err(|e| format!("no randomness: {e}"))?;
    Ok(zeroize::Zeroizing::new(format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes.as_ref()))))
}

/// The `webhook-signature` header of `body` sent as `id` at `timestamp` (seconds) under
/// `secret` (`whsec_…`).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .map(zeroize::Zeroizing::new)
        .map_err(|_| "a webhook secret is whsec_ and base64".to_owned())?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())))
}

/// Whether `url` may receive webhooks: http or https, with a host, no user or password in it.
pub fn check_url(url: &str) -> Result<reqwest::Url, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err("a webhook URL is http:// or https:// with a host".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("put no name or password in a webhook URL: receivers check the signature".into());
    }
    Ok(parsed)
}

/// Starts the delivery and scanning tasks.
pub fn spawn<S: Storage>(state: Arc<AppState<S>>) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        // A receiver's redirect is not followed: the signed event goes where it was sent.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("the webhook client: {e}"))?;
    let deliverer = state.clone();
    tokio::spawn(async move {
        loop {
            deliver_due(&deliverer, &client).await;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    tokio::spawn(async move {
        loop {
            let found = crate::api::blocking(&state, |state| {
                for event in state.storage.scan_events(now().millis(), SPIKE_REPORTS)? {
                    state.storage.event(&event)?;
                }
                Ok(())
            })
            .await;
            if let Err(e) = found {
                tracing::warn!("webhook scan: {:?}", e);
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
    Ok(())
}

/// Attempts the deliveries due now, each webhook's in order and the webhooks side by side:
/// a receiver that does not answer delays only its own events (its other due deliveries wait
/// for the next round, a second later), never another webhook's.
async fn deliver_due<S: Storage>(state: &Arc<AppState<S>>, client: &reqwest::Client) {
    let due = match crate::api::blocking(state, |state| Ok(state.storage.due_deliveries(now().millis(), 200)?)).await {
        Ok(due) => due,
        Err(e) => return tracing::warn!("webhook deliveries: {:?}", e),
    };
    let mut per_webhook: std::collections::BTreeMap<i64, Vec<(Delivery, Webhook)>> = std::collections::BTreeMap::new();
    for (delivery, webhook) in due {
        per_webhook.entry(webhook.id).or_default().push((delivery, webhook));
    }
    let mut running = tokio::task::JoinSet::new();
    for (_, queue) in per_webhook {
        let (state, client) = (state.clone(), client.clone());
        running.spawn(async move {
            for (delivery, webhook) in queue {
                if !deliver(&state, &client, &delivery, &webhook).await {
                    break;
                }
            }
        });
    }
    while running.join_next().await.is_some() {}
}

/// One attempt of `delivery`, its result recorded; whether the receiver answered at all. The
/// delivery is claimed first: of several instances on one database, one attempts it (and
/// should that one stop before it records the attempt, another does after [`CLAIM_MS`]).
async fn deliver<S: Storage>(state: &Arc<AppState<S>>, client: &reqwest::Client, delivery: &Delivery, webhook: &Webhook) -> bool {
    let id = delivery.id;
    let claimed = crate::api::blocking(state, move |state| {
        let now = now().millis();
        Ok(state.storage.claim_delivery(id, now, now + CLAIM_MS)?)
    })
    .await;
    match claimed {
        Ok(true) => {}
        Ok(false) => return true, // another instance has it
        Err(e) => {
            tracing::warn!("webhook delivery {id}: {:?}", e);
            return false;
        }
    }
    let outcome = attempt(client, delivery, webhook).await;
    let at = now().millis();
    let delivered = matches!(outcome, Ok(status) if (200..300).contains(&status));
    let retry_at = (!delivered).then(|| RETRY_WAITS_MS.get(delivery.attempts as usize).map(|wait| at + wait)).flatten();
    let (status, error) = match &outcome {
        Ok(status) => (Some(*status), None),
        Err(e) => (None, Some(e.clone())),
    };
    tracing::info!(webhook = webhook.id, event = %delivery.event_id, ?status, delivered, "webhook delivery");
    let recorded = crate::api::blocking(state, move |state| Ok(state.storage.delivery_attempted(id, at, status, error.as_deref(), delivered, retry_at)?)).await;
    if let Err(e) = recorded {
        tracing::warn!("webhook delivery {id}: {:?}", e);
    }
    status.is_some()
}

/// Posts `delivery` to `webhook`: the answer's status, or why there was none.
async fn attempt(client: &reqwest::Client, delivery: &Delivery, webhook: &Webhook) -> Result<u16, String> {
    let timestamp = now().millis() / 1000;
    let signed = signature(&webhook.secret, &delivery.event_id, timestamp, &delivery.payload)?;
    let answer = client
        .post(check_url(&webhook.url)?)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signed)
        .body(delivery.payload.clone())
        .send()
        .await
        // The error without the URL: its path may be the receiver's secret.
        .map_err(|e| format!("{:.200}", e.without_url().to_string()))?;
    Ok(answer.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification (spec/standard-webhooks.md).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signed = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn only_http_urls_with_a_host_and_no_credentials_receive_webhooks() {
        assert!(check_url("https://hooks.example.com/offsign").is_ok());
        assert!(check_url("http://127.0.0.1:9000/in").is_ok());
        for bad in ["ftp://example.com/", "file:///etc/passwd", "https://user:pw@example.com/", "not a url", "javascript:alert(1)"] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
