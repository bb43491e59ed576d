//! The flags of `profiles create` and `profiles update`, and how they become create params
//! and an update patch. Everything is checked here before the API key is asked for, so
//! nobody types a key only to hear that a flag was wrong. Field values themselves are the
//! agent's to judge: it reports every failing field at once.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;

use llm_agent_client::protocol::methods::profiles::{
    CreateParams, PROVIDERS, ProfileMetadata, ProfilePatch,
};
use llm_agent_client::protocol::patch::Patch;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::failure::Failure;

const CONSENT_HELP: &str = "The learner agreed to send prompts off this machine, to this endpoint";
const CONSENT_LONG_HELP: &str = "The learner agreed to send their prompts off this machine, to \
    this endpoint: sends consent_granted_at with the current time. An endpoint that is not on \
    this machine needs it. Ask the learner first.";

const WITH_API_KEY_HELP: &str = "Read the API key at a hidden prompt, or piped on stdin";
const WITH_API_KEY_LONG_HELP: &str = "Read the API key at a hidden prompt when stdin is a \
    terminal, else from the first line of stdin. A key is never an argument: every user on \
    the machine can read arguments with `ps`.";

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// What the learner calls it; unique regardless of case
    #[arg(long)]
    name: String,
    #[arg(long, help = provider_help())]
    provider: String,
    /// The server's base URL, http or https
    #[arg(long, value_name = "URL")]
    endpoint: String,
    /// The model to use, as the server names it [default: the provider's default model
    /// in the catalog]
    #[arg(long)]
    model: Option<String>,
    #[arg(long, help = WITH_API_KEY_HELP, long_help = WITH_API_KEY_LONG_HELP)]
    with_api_key: bool,
    #[command(flatten)]
    consent: ConsentArg,
    #[command(flatten, next_help_heading = "Metadata")]
    metadata: MetadataArgs,
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// The profile's id, as `list` shows it
    pub id: String,
    /// A new name; unique regardless of case
    #[arg(long)]
    name: Option<String>,
    #[arg(long, help = provider_help())]
    provider: Option<String>,
    /// A new base URL
    ///
    /// If its scheme, host or port changes, the agent drops the stored API key and the
    /// consent unless this update gives them again.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// A new model
    #[arg(long)]
    model: Option<String>,
    #[arg(
        long,
        help = WITH_API_KEY_HELP,
        long_help = WITH_API_KEY_LONG_HELP,
        conflicts_with = "clear_api_key"
    )]
    with_api_key: bool,
    /// Remove the stored API key
    #[arg(long)]
    clear_api_key: bool,
    #[command(flatten)]
    consent: ConsentArg,
    /// Withdraw the learner's agreement to send prompts to this endpoint
    ///
    /// The profile and its key stay; the agent refuses every call and test to it until
    /// consent is given again with --consent.
    #[arg(long, conflicts_with = "consent")]
    revoke_consent: bool,
    #[command(flatten, next_help_heading = "Metadata (replaces all of it)")]
    metadata: MetadataArgs,
    /// Remove all labels, notes and options
    #[arg(long, conflicts_with_all = ["labels", "notes", "options"])]
    clear_metadata: bool,
}

/// `--consent`, for every command that gives a profile its endpoint.
#[derive(Debug, clap::Args)]
pub struct ConsentArg {
    #[arg(long, help = CONSENT_HELP, long_help = CONSENT_LONG_HELP)]
    consent: bool,
}

#[derive(Debug, Default, clap::Args)]
struct MetadataArgs {
    /// A label to find the profile by (repeat for more)
    #[arg(long = "label", value_name = "LABEL")]
    labels: Vec<String>,
    /// Free-form notes
    #[arg(long, value_name = "TEXT")]
    notes: Option<String>,
    /// A provider option, such as deployment=NAME or api_version=DATE for Azure (repeat
    /// for more)
    #[arg(long = "option", value_name = "KEY=VALUE", value_parser = key_value)]
    options: Vec<(String, String)>,
}

impl CreateArgs {
    /// The create params; `read_key` is asked for the key when `--with-api-key` is given.
    pub async fn into_params<F>(self, read_key: impl FnOnce() -> F) -> Result<CreateParams, Failure>
    where
        F: Future<Output = Result<String, Failure>>,
    {
        let metadata = self.metadata.into_metadata().map_err(Failure::Usage)?;
        let consent_granted_at = self.consent.granted_at()?;
        let api_key = if self.with_api_key {
            Some(read_key().await?.into())
        } else {
            None
        };
        Ok(CreateParams {
            name: self.name,
            provider: self.provider,
            endpoint: self.endpoint,
            // Empty: the agent gives the provider's default model.
            model: self.model.unwrap_or_default(),
            api_key,
            consent_granted_at,
            metadata,
        })
    }
}

impl UpdateArgs {
    /// The patch: only what a flag names. `read_key` is asked for the key when
    /// `--with-api-key` is given.
    pub async fn into_patch<F>(self, read_key: impl FnOnce() -> F) -> Result<ProfilePatch, Failure>
    where
        F: Future<Output = Result<String, Failure>>,
    {
        let metadata = if self.clear_metadata {
            Some(ProfileMetadata::default())
        } else {
            self.metadata.into_metadata().map_err(Failure::Usage)?
        };
        let consent_granted_at = match (self.consent.granted_at()?, self.revoke_consent) {
            (Some(now), _) => Patch::Set(now),
            (None, true) => Patch::Clear,
            (None, false) => Patch::Keep,
        };
        let mut patch = ProfilePatch {
            name: self.name,
            provider: self.provider,
            endpoint: self.endpoint,
            model: self.model,
            // `--with-api-key` is read last, once everything else is known to be right.
            api_key: if self.clear_api_key {
                Patch::Clear
            } else {
                Patch::Keep
            },
            consent_granted_at,
            metadata,
        };
        if patch == ProfilePatch::default() && !self.with_api_key {
            return Err(Failure::Usage(
                "nothing to change: give at least one field to change (see `profiles update --help`)"
                    .into(),
            ));
        }
        if self.with_api_key {
            patch.api_key = Patch::Set(read_key().await?.into());
        }
        Ok(patch)
    }
}

impl MetadataArgs {
    /// The metadata the flags give, or `None` when no metadata flag was given.
    fn into_metadata(self) -> Result<Option<ProfileMetadata>, String> {
        if self.labels.is_empty() && self.notes.is_none() && self.options.is_empty() {
            return Ok(None);
        }
        let mut options = BTreeMap::new();
        for (key, value) in self.options {
            if options.insert(key.clone(), value).is_some() {
                return Err(format!("--option {key}=... is given twice; give it once"));
            }
        }
        Ok(Some(ProfileMetadata {
            labels: self.labels,
            notes: self.notes,
            options,
        }))
    }
}

/// `KEY=VALUE`, split at the first `=`; the value may be empty or contain `=`.
fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) => Ok((key.to_owned(), value.to_owned())),
        None => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

/// The help of `--provider`, listing the providers this build knows (the agent may know
/// newer ones, so any value is sent).
fn provider_help() -> String {
    format!("The kind of server: {}", PROVIDERS.join(", "))
}

impl ConsentArg {
    /// The `consent_granted_at` the flag gives: now, or none without it.
    pub fn granted_at(&self) -> Result<Option<String>, Failure> {
        self.consent.then(consent_time).transpose()
    }
}

/// Now, as `consent_granted_at` wants it: RFC 3339 in UTC, to the second.
fn consent_time() -> Result<String, Failure> {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&Rfc3339).map_err(|err| {
        Failure::io(
            "could not write down the time of consent",
            io::Error::other(err),
        )
    })
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;
    use llm_agent_client::protocol::methods::profiles::ProfileMetadata;

    use super::*;
    use crate::commands::profiles::prompt;

    #[derive(Debug, clap::Parser)]
    #[command(no_binary_name = true)]
    enum Line {
        Create(CreateArgs),
        Update(UpdateArgs),
    }

    fn parse(line: &str) -> Line {
        <Line as clap::Parser>::try_parse_from(line.split_whitespace())
            .unwrap_or_else(|err| panic!("{line}: {err}"))
    }

    /// What `--with-api-key` reads, as if piped in on stdin.
    async fn piped_key() -> Result<String, Failure> {
        prompt::api_key_from("sk-test-1234\n".as_bytes())
    }

    async fn no_key() -> Result<String, Failure> {
        panic!("the key must not be read without --with-api-key")
    }

    fn patch(line: &str) -> Result<ProfilePatch, Failure> {
        let Line::Update(args) = parse(line) else {
            panic!("not an update: {line}")
        };
        let with_key = args.with_api_key;
        let future = if with_key {
            args.into_patch(piped_key).boxed_local()
        } else {
            args.into_patch(no_key).boxed_local()
        };
        future.now_or_never().expect("nothing to wait for")
    }

    #[test]
    fn the_api_key_patch_has_three_states() {
        let keep = patch("update ID --name other").unwrap();
        assert_eq!(keep.api_key, Patch::Keep);
        assert_eq!(keep.name.as_deref(), Some("other"));

        let clear = patch("update ID --clear-api-key").unwrap();
        assert_eq!(clear.api_key, Patch::Clear);

        let set = patch("update ID --with-api-key").unwrap();
        assert_eq!(set.api_key, Patch::Set("sk-test-1234".into()));
    }

    #[test]
    fn a_patch_holds_only_the_given_fields() {
        let patch = patch("update ID --model llama3.2").unwrap();
        assert_eq!(
            patch,
            ProfilePatch {
                model: Some("llama3.2".into()),
                ..ProfilePatch::default()
            }
        );
    }

    #[test]
    fn consent_is_granted_now_or_revoked() {
        let granted = patch("update ID --consent").unwrap();
        let Patch::Set(at) = granted.consent_granted_at else {
            panic!("{granted:?}")
        };
        let at = OffsetDateTime::parse(&at, &Rfc3339).unwrap();
        assert!((OffsetDateTime::now_utc() - at).whole_seconds().abs() < 60);
        assert_eq!(at.offset(), time::UtcOffset::UTC);

        let revoked = patch("update ID --revoke-consent").unwrap();
        assert_eq!(revoked.consent_granted_at, Patch::Clear);
        assert!(matches!(
            parse_error("update ID --consent --revoke-consent"),
            clap::error::ErrorKind::ArgumentConflict
        ));
        assert!(matches!(
            parse_error("update ID --with-api-key --clear-api-key"),
            clap::error::ErrorKind::ArgumentConflict
        ));
    }

    #[test]
    fn metadata_flags_replace_the_metadata() {
        let replaced =
            patch("update ID --label a --label b --option deployment=gpt-4o --option q=x=y")
                .unwrap();
        let metadata = replaced.metadata.unwrap();
        assert_eq!(metadata.labels, ["a", "b"]);
        assert_eq!(metadata.notes, None);
        assert_eq!(metadata.options["deployment"], "gpt-4o");
        assert_eq!(metadata.options["q"], "x=y");

        let cleared = patch("update ID --clear-metadata").unwrap();
        assert_eq!(cleared.metadata, Some(ProfileMetadata::default()));
        assert!(matches!(
            parse_error("update ID --clear-metadata --label a"),
            clap::error::ErrorKind::ArgumentConflict
        ));
    }

    #[test]
    fn usage_mistakes_are_caught_before_the_key_is_asked_for() {
        let empty = patch("update ID").unwrap_err();
        assert!(
            empty.message().starts_with("nothing to change"),
            "{empty:?}"
        );
        // `no_key` would panic if it were asked.
        let twice = patch("update ID --option a=1 --option a=2").unwrap_err();
        assert!(twice.message().contains("given twice"), "{twice:?}");
        assert!(matches!(
            parse_error("update ID --option novalue"),
            clap::error::ErrorKind::ValueValidation
        ));
    }

    #[test]
    fn create_sends_the_key_consent_and_metadata() {
        let line = "create --name Work --provider openai --endpoint https://api.openai.com/v1 \
                    --model gpt-4o --with-api-key --consent --notes hi";
        let Line::Create(args) = parse(line) else {
            panic!()
        };
        let params = args.into_params(piped_key).now_or_never().unwrap().unwrap();
        assert_eq!(params.name, "Work");
        assert_eq!(
            params.api_key.as_ref().map(|k| k.expose()),
            Some("sk-test-1234")
        );
        assert!(params.consent_granted_at.unwrap().ends_with('Z'));
        assert_eq!(params.metadata.unwrap().notes.as_deref(), Some("hi"));

        let Line::Create(args) = parse("create --name L --provider ollama --endpoint e --model m")
        else {
            panic!()
        };
        let params = args.into_params(no_key).now_or_never().unwrap().unwrap();
        assert_eq!(params.model, "m");
        assert_eq!(params.api_key, None);
        assert_eq!(params.consent_granted_at, None);
        assert_eq!(params.metadata, None);

        let Line::Create(args) = parse("create --name L --provider ollama --endpoint e") else {
            panic!()
        };
        let params = args.into_params(no_key).now_or_never().unwrap().unwrap();
        assert_eq!(
            params.model, "",
            "the agent gives the provider's default model"
        );
    }

    fn parse_error(line: &str) -> clap::error::ErrorKind {
        <Line as clap::Parser>::try_parse_from(line.split_whitespace())
            .unwrap_err()
            .kind()
    }
}
