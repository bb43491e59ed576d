//! [`Text`]: a message id and its arguments, and [`messages!`], which declares a crate's
//! messages once.

use std::fmt;

use llm_agent_protocol::text::{LocalizedText, MessageArg, MessageArgs};

/// A text for a person, not yet rendered: which message, with which arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    id: &'static str,
    args: MessageArgs,
}

/// One declared message: its id and the names of its arguments, as [`messages!`]
/// writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    pub id: &'static str,
    pub args: &'static [&'static str],
}

impl Text {
    /// A text of message `id`. Prefer the constructors [`messages!`] writes, which
    /// cannot get the arguments wrong.
    pub fn new(
        id: &'static str,
        args: impl IntoIterator<Item = (&'static str, MessageArg)>,
    ) -> Self {
        Self {
            id,
            args: args
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        }
    }

    pub fn id(&self) -> &'static str {
        self.id
    }

    pub fn args(&self) -> &MessageArgs {
        &self.args
    }

    /// The argument `name`, if the message has it.
    pub fn arg(&self, name: &str) -> Option<&MessageArg> {
        self.args.get(name)
    }

    /// Takes the id and the arguments, for a wire type's fields.
    pub fn into_parts(self) -> (&'static str, MessageArgs) {
        (self.id, self.args)
    }

    /// This text as a [`LocalizedText`] rendered by `render`.
    pub fn to_localized(&self, rendered: String) -> LocalizedText {
        LocalizedText {
            text: rendered,
            text_id: self.id.to_owned(),
            text_args: self.args.clone(),
        }
    }
}

/// The id and the arguments, as a log or a test shows them (never the rendered text).
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)?;
        for (name, value) in &self.args {
            write!(f, " {name}={}", value.to_plain_string())?;
        }
        Ok(())
    }
}

/// Declares messages: each line `name(arg, ...);` writes `pub(crate) fn name(arg: impl
/// Into<MessageArg>, ...) -> Text` (crate-visible, so that one nothing uses is a dead-code
/// warning) for the message whose id is `name`, and the list
/// `DECLARED` of every id with its arguments. The ids are the catalogs' Fluent message
/// ids and travel on the wire, so a name, once shipped, stays.
///
/// ```
/// mod messages {
///     llm_agent_l10n::messages! {
///         /// A profile id that names no profile.
///         profile_not_found(id);
///         store_read_only();
///     }
/// }
/// let text = messages::profile_not_found("42");
/// assert_eq!(text.id(), "profile_not_found");
/// assert_eq!(messages::DECLARED[0].args, &["id"]);
/// ```
#[macro_export]
macro_rules! messages {
    ($($(#[$doc:meta])* $name:ident($($arg:ident),* $(,)?);)*) => {
        $(
            $(#[$doc])*
            #[allow(clippy::too_many_arguments)]
            pub(crate) fn $name($($arg: impl Into<$crate::MessageArg>),*) -> $crate::Text {
                $crate::Text::new(stringify!($name), [$((stringify!($arg), $arg.into())),*])
            }
        )*

        /// Every message this crate declares, with its arguments.
        pub const DECLARED: &[$crate::Declared] = &[
            $($crate::Declared { id: stringify!($name), args: &[$(stringify!($arg)),*] },)*
        ];
    };
}
