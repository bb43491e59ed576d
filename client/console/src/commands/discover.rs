//! `discover`: the model servers discovery finds on this machine (and on the hosts the
//! learner configured).
//!
//! Bare, it sweeps now (`discovery.run`) behind a spinner and shows the servers found,
//! the profiles that disagree with them and the probes that failed; `--watch` follows
//! the sweeps whose findings changed (topic `discovery`) until Ctrl-C. `status`,
//! `configure` and `adopt` show and change the schedule, and turn a finding into a
//! profile. `render` says it all for a person.

mod render;

use std::time::Duration;

use llm_agent_client::protocol::events::Topic;
use llm_agent_client::protocol::methods::NoParams;
use llm_agent_client::protocol::methods::discovery::{
    Adopt, AdoptParams, Configure, DEFAULT_SWEEP_TIMEOUT_MS, MAX_EXTRA_ENDPOINTS, MAX_INTERVAL_S,
    MAX_SWEEP_TIMEOUT_MS, MIN_INTERVAL_S, MIN_SWEEP_TIMEOUT_MS, Run, RunParams, Settings, Status,
    Sweep,
};
use llm_agent_client::{CallOptions, SubscriptionEvent};

use crate::commands::profiles::edit::ConsentArg;
use crate::commands::{events, profiles};
use crate::failure::Failure;
use crate::json::to_json;
use crate::output::Output;
use crate::remediation;
use crate::session::{ANSWER_GRACE_MS, Session};
use crate::spinner::{Spinner, spin_while};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Subcommand>,
    #[command(flatten)]
    sweep: SweepArgs,
}

/// The options of the bare `discover`.
#[derive(Debug, clap::Args)]
struct SweepArgs {
    /// The sweep's time budget in milliseconds, 50 to 10000 [default: 800]
    ///
    /// Every probe runs at once, and the sweep ends within the budget even when a server
    /// accepts the connection and never answers.
    #[arg(
        long,
        value_name = "MS",
        value_parser = clap::value_parser!(u64)
            .range(MIN_SWEEP_TIMEOUT_MS..=MAX_SWEEP_TIMEOUT_MS)
    )]
    budget_ms: Option<u64>,
    /// Also probe this base URL (http://host:port), this time only; repeat for several
    /// (at most 16). The configured extra endpoints are probed as well
    #[arg(long = "extra", value_name = "URL")]
    extra: Vec<String>,
    /// Follow discovery instead of sweeping: the last sweep, then every sweep whose
    /// findings changed, until Ctrl-C
    #[arg(long, conflicts_with_all = ["budget_ms", "extra"])]
    watch: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Subcommand {
    /// Show the settings, the schedule and the last sweep
    Status,
    /// Change the settings; what is not given stays as it is
    ///
    /// Scheduled sweeps probe this machine's loopback ports and the extra endpoints, and
    /// no other host.
    Configure(ConfigureArgs),
    /// Create a profile for a server a sweep found
    ///
    /// The model defaults to the server's first loaded (else first) model as the last
    /// sweep found it, the name to "<Kind> on <host:port>".
    Adopt(AdoptArgs),
}

#[derive(Debug, clap::Args)]
struct ConfigureArgs {
    /// Turn scheduled sweeps on
    #[arg(long, conflicts_with = "disable")]
    enable: bool,
    /// Turn scheduled sweeps off (`discover` still sweeps on demand)
    #[arg(long)]
    disable: bool,
    /// Seconds between scheduled sweeps, 1 to 86400; the gap doubles, up to 4 times
    /// this, while nothing changes
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(MIN_INTERVAL_S..=MAX_INTERVAL_S)
    )]
    interval_s: Option<u64>,
    /// Probe this base URL (http://host:port) in every sweep; repeat for several (at most
    /// 16). Replaces the configured list: repeat what should stay
    #[arg(long = "extra", value_name = "URL", conflicts_with = "no_extra")]
    extra: Vec<String>,
    /// Remove every extra endpoint
    #[arg(long)]
    no_extra: bool,
}

#[derive(Debug, clap::Args)]
struct AdoptArgs {
    /// The server's endpoint, as `discover` shows it (e.g. http://127.0.0.1:11434)
    endpoint: String,
    /// The server's kind, as `discover` shows it (e.g. ollama); the profile's provider
    kind: String,
    /// The model to use [default: the first loaded model, else the first]
    #[arg(long)]
    model: Option<String>,
    /// The profile's name [default: "<Kind> on <host:port>"]
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    consent: ConsentArg,
}

impl Args {
    /// Whether this is `discover --watch`, which Ctrl-C ends normally.
    pub fn is_watch(&self) -> bool {
        self.command.is_none() && self.sweep.watch
    }
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    match args.command {
        None if args.sweep.watch => watch(session, output).await,
        None => sweep(session, args.sweep, output).await,
        Some(Subcommand::Status) => status(session, output).await,
        Some(Subcommand::Configure(args)) => configure(session, args, output).await,
        Some(Subcommand::Adopt(args)) => adopt(session, args, output).await,
    }
}

async fn sweep(session: &mut Session, args: SweepArgs, output: Output) -> Result<(), Failure> {
    let extra_endpoints = (!args.extra.is_empty())
        .then(|| within_limit(args.extra))
        .transpose()?;
    let budget_ms = args.budget_ms.unwrap_or(DEFAULT_SWEEP_TIMEOUT_MS);
    let client = session.client().await?;
    // The agent answers at the end of the budget at the latest; a shorter --timeout-ms
    // would only cut the sweep short.
    let waited = Duration::from_millis(budget_ms.saturating_add(ANSWER_GRACE_MS))
        .max(client.request_timeout());
    let spinner = Spinner::wanted().then(|| {
        Spinner::new(format!(
            "sweeping for model servers (budget {budget_ms} ms)"
        ))
    });
    let params = RunParams {
        extra_endpoints,
        timeout_ms: args.budget_ms,
    };
    let call = client.call_with::<Run>(params, CallOptions::default().timeout(waited));
    let sweep = spin_while(spinner.as_ref(), call)
        .await
        .map_err(|err| remediation::failure(err, output, console_name))?
        .result;
    output.result(&sweep, render::sweep)
}

/// Prints the last sweep, then every sweep the agent publishes, until Ctrl-C.
async fn watch(session: &mut Session, output: Output) -> Result<(), Failure> {
    let client = session.client().await?;
    // Subscribed before the status is read, so no sweep falls between the two.
    let subscription = client.subscribe([Topic::Discovery]).await?;
    let status = client.call::<Status>(NoParams {}).await?;
    output.note("following discovery's sweeps; Ctrl-C to stop");
    if let Some(sweep) = &status.last_sweep {
        output.result(sweep, render::brief)?;
    }
    let mut shown = status.last_sweep;
    events::follow(subscription, |event| {
        let sweep = event.data_as::<Sweep>().ok();
        // The last sweep may also arrive as the first event.
        if sweep.is_some() && sweep == shown {
            return Ok(());
        }
        show_event(&event, sweep.as_ref(), output)?;
        shown = sweep;
        Ok(())
    })
    .await
}

/// One published sweep: as the agent sent it for scripts (unknown fields kept), in brief
/// for a person.
fn show_event(
    event: &SubscriptionEvent,
    sweep: Option<&Sweep>,
    output: Output,
) -> Result<(), Failure> {
    if output.is_json() {
        return output.json_line(&to_json(&event.data));
    }
    match sweep {
        Some(sweep) => output.text(&render::brief(sweep)),
        // Not what an agent of this protocol sends; shown rather than dropped.
        None => output.text(&events::render::other(event)),
    }
}

async fn status(session: &mut Session, output: Output) -> Result<(), Failure> {
    let client = session.client().await?;
    let status = client.call::<Status>(NoParams {}).await?;
    output.result(&status, render::status)
}

async fn configure(
    session: &mut Session,
    args: ConfigureArgs,
    output: Output,
) -> Result<(), Failure> {
    let extra = if args.no_extra {
        Some(Vec::new())
    } else if args.extra.is_empty() {
        None
    } else {
        Some(within_limit(args.extra)?)
    };
    let enabled = match (args.enable, args.disable) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    if enabled.is_none() && args.interval_s.is_none() && extra.is_none() {
        return Err(Failure::Usage(
            "nothing to change: give --enable or --disable, --interval-s, --extra or \
             --no-extra"
                .into(),
        ));
    }
    let client = session.client().await?;
    let current = client.call::<Status>(NoParams {}).await?.settings;
    let settings = Settings {
        enabled: enabled.unwrap_or(current.enabled),
        interval_s: args.interval_s.unwrap_or(current.interval_s),
        extra_endpoints: extra.unwrap_or(current.extra_endpoints),
    };
    let saved = session
        .call::<Configure>(settings, output, console_name)
        .await?;
    output.result(&saved, |saved| {
        format!("settings saved\n{}", render::settings(saved))
    })
}

async fn adopt(session: &mut Session, args: AdoptArgs, output: Output) -> Result<(), Failure> {
    let params = AdoptParams {
        endpoint: args.endpoint,
        kind: args.kind,
        model: args.model,
        name: args.name,
        consent_granted_at: args.consent.granted_at()?,
    };
    let result = session.call::<Adopt>(params, output, console_name).await?;
    profiles::show_change(output, "created", &result)
}

/// Refuses more extra endpoints than the agent takes, before asking it.
fn within_limit(extra: Vec<String>) -> Result<Vec<String>, Failure> {
    if extra.len() > MAX_EXTRA_ENDPOINTS {
        return Err(Failure::Usage(format!(
            "{} extra endpoints given; at most {MAX_EXTRA_ENDPOINTS} are allowed",
            extra.len()
        )));
    }
    Ok(extra)
}

/// What a wire field is called at this console, when it differs.
fn console_name(field: &str) -> Option<&'static str> {
    match field {
        "timeout_ms" => Some("--budget-ms"),
        "extra_endpoints" => Some("--extra"),
        "interval_s" => Some("--interval-s"),
        "kind" | "provider" => Some("the KIND argument"),
        "endpoint" => Some("the ENDPOINT argument"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_client::ClientError;
    use llm_agent_client::protocol::{ErrorCode, WireError};

    use super::*;
    use crate::commands;
    use crate::remediation::fixtures::{told, validation_error};

    fn parse(words: &[&str]) -> Result<Args, clap::Error> {
        commands::parse_args("discover", words)
    }

    #[test]
    fn the_bare_command_sweeps_and_watch_follows() {
        let args = parse(&[
            "--budget-ms",
            "2000",
            "--extra",
            "http://a:1",
            "--extra",
            "http://b:2",
        ])
        .unwrap();
        assert!(args.command.is_none());
        assert_eq!(args.sweep.budget_ms, Some(2000));
        assert_eq!(args.sweep.extra, ["http://a:1", "http://b:2"]);
        assert!(!args.is_watch());
        assert!(parse(&["--watch"]).unwrap().is_watch());
        assert!(parse(&["--watch", "--budget-ms", "900"]).is_err());
        assert!(!parse(&["status"]).unwrap().is_watch());
    }

    #[test]
    fn budgets_outside_what_the_agent_takes_are_usage_errors() {
        assert!(parse(&["--budget-ms", "49"]).is_err());
        assert!(parse(&["--budget-ms", "10001"]).is_err());
        assert!(parse(&["--budget-ms", "50"]).is_ok());
        let too_many: Vec<String> = (0..=MAX_EXTRA_ENDPOINTS)
            .map(|i| format!("http://10.0.0.{i}:11434"))
            .collect();
        let failure = within_limit(too_many).unwrap_err();
        assert_eq!(failure.code(), "USAGE");
    }

    #[test]
    fn subcommands_take_their_own_options() {
        assert!(matches!(
            parse(&["configure", "--disable", "--interval-s", "60", "--no-extra"])
                .unwrap()
                .command,
            Some(Subcommand::Configure(ConfigureArgs {
                disable: true,
                interval_s: Some(60),
                no_extra: true,
                ..
            }))
        ));
        assert!(parse(&["configure", "--enable", "--disable"]).is_err());
        assert!(parse(&["configure", "--extra", "http://a:1", "--no-extra"]).is_err());
        assert!(parse(&["configure", "--interval-s", "0"]).is_err());
        assert!(parse(&["status", "--budget-ms", "900"]).is_err());
        match parse(&["adopt", "http://127.0.0.1:11434", "ollama", "--model", "m"])
            .unwrap()
            .command
        {
            Some(Subcommand::Adopt(adopt)) => {
                assert_eq!(adopt.endpoint, "http://127.0.0.1:11434");
                assert_eq!(adopt.kind, "ollama");
                assert_eq!(adopt.model.as_deref(), Some("m"));
                assert_eq!(adopt.name, None);
            }
            other => panic!("not adopt: {other:?}"),
        }
    }

    #[test]
    fn refused_params_are_named_by_their_flags() {
        let wire = WireError::invalid_params(Some("timeout_ms"), "timeout_ms out of range")
            .with_remediation("Send 50 to 10000.");
        let failure = told(wire.clone(), console_name);
        assert_eq!(
            failure.remediation(),
            Some("Send 50 to 10000.\n  Here, `timeout_ms` is --budget-ms.")
        );
        // Scripts get the agent's error untouched.
        let json = remediation::failure(ClientError::Remote(wire), Output::new(true), console_name);
        assert_eq!(json.remediation(), Some("Send 50 to 10000."));
    }

    #[test]
    fn every_failing_field_is_listed_then_named() {
        let wire = validation_error(&[
            ("interval_s", "invalid", "Give 1 to 86400 seconds."),
            (
                "extra_endpoints[1]",
                "invalid",
                "Use an http:// or https:// base URL.",
            ),
            (
                "extra_endpoints[3]",
                "invalid",
                "Use an http:// or https:// base URL.",
            ),
        ]);
        let failure = told(wire, console_name);
        assert_eq!(
            failure.remediation(),
            Some(
                "interval_s: Give 1 to 86400 seconds.\n  \
                 extra_endpoints[1]: Use an http:// or https:// base URL.\n  \
                 extra_endpoints[3]: Use an http:// or https:// base URL.\n  \
                 Here, `interval_s` is --interval-s; `extra_endpoints` is --extra."
            )
        );
    }

    #[test]
    fn other_errors_pass_through() {
        let wire = WireError::new(ErrorCode::Busy, "busy").with_remediation("wait");
        let failure = told(wire, console_name);
        assert_eq!(failure.remediation(), Some("wait"));
    }
}
