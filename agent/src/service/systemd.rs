//! Linux: the systemd user units. `llm-agent.socket` listens on the agent's socket
//! (owner-only, in an owner-only directory) and starts `llm-agent.service` on the first
//! connection; the service is `Type=notify`, so systemd knows when the agent serves.
//!
//! Unit files have their own quoting: `ExecStart=` splits words on spaces, honours
//! double quotes and C escapes, expands `$VAR` and `%` specifiers; other settings take
//! the value as written, with `%` specifiers. Every path is written so that it reads
//! back as itself, and a path that cannot be (a newline in it, spaces around it) is
//! refused.

use std::path::{Path, PathBuf};

use super::{Installation, ServiceError};

pub const SOCKET_UNIT: &str = "llm-agent.socket";
pub const SERVICE_UNIT: &str = "llm-agent.service";

/// Where systemd looks for a user's own units: `$XDG_CONFIG_HOME/systemd/user`, by
/// default `~/.config/systemd/user`.
pub fn unit_dir() -> Result<PathBuf, ServiceError> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|dirs| dirs.config_dir().to_owned()))
        .ok_or(ServiceError::NoHome)?;
    Ok(config.join("systemd").join("user"))
}

pub fn socket_unit(installation: &Installation) -> Result<String, ServiceError> {
    let socket = setting_value(&installation.socket)?;
    Ok(format!(
        "# Written by `llm-agent service install`; `llm-agent service uninstall` removes it.
[Unit]
Description=llm-agent socket: where LLM Tutor reaches its background agent

[Socket]
ListenStream={socket}
SocketMode=0600
DirectoryMode=0700
RemoveOnStop=yes

[Install]
WantedBy=sockets.target
"
    ))
}

pub fn service_unit(installation: &Installation) -> Result<String, ServiceError> {
    let command = installation
        .command_line()
        .iter()
        .map(|arg| exec_word(arg))
        .collect::<Result<Vec<_>, _>>()?
        .join(" ");
    Ok(format!(
        "# Written by `llm-agent service install`; `llm-agent service uninstall` removes it.
[Unit]
Description=llm-agent: the background agent of LLM Tutor (model profiles and calls)
Requires={SOCKET_UNIT}
After={SOCKET_UNIT}

[Service]
Type=notify
ExecStart={command}
Restart=on-failure

[Install]
Also={SOCKET_UNIT}
"
    ))
}

/// One word of `ExecStart=`: double-quoted, with `\\` and `"` escaped, `$` and `%`
/// doubled so nothing is expanded.
fn exec_word(word: &str) -> Result<String, ServiceError> {
    refuse_control_characters(word)?;
    let mut quoted = String::with_capacity(word.len() + 2);
    quoted.push('"');
    for c in word.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '"' => quoted.push_str("\\\""),
            '$' => quoted.push_str("$$"),
            '%' => quoted.push_str("%%"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    Ok(quoted)
}

/// A path as the value of a setting such as `ListenStream=`: `%` doubled; surrounding
/// spaces would be trimmed by systemd, so they are refused.
fn setting_value(path: &Path) -> Result<String, ServiceError> {
    let text = super::utf8(path)?;
    refuse_control_characters(text)?;
    if text.trim() != text {
        return Err(ServiceError::UnwritablePath {
            path: path.to_owned(),
            why: "it begins or ends with a space",
        });
    }
    Ok(text.replace('%', "%%"))
}

fn refuse_control_characters(text: &str) -> Result<(), ServiceError> {
    if text.chars().any(char::is_control) {
        return Err(ServiceError::UnwritablePath {
            path: text.into(),
            why: "it holds a control character (a newline?)",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installation(binary: &str, socket: &str, data_dir: &str) -> Installation {
        Installation {
            binary: binary.into(),
            socket: socket.into(),
            data_dir: data_dir.into(),
        }
    }

    #[test]
    fn exec_words_read_back_as_themselves() {
        assert_eq!(
            exec_word("/usr/bin/llm-agent").unwrap(),
            r#""/usr/bin/llm-agent""#
        );
        assert_eq!(
            exec_word("/home/a b/100%/$HOME/\"q\"\\x").unwrap(),
            r#""/home/a b/100%%/$$HOME/\"q\"\\x""#
        );
        assert!(exec_word("/tmp/a\nExecStartPre=/bin/rm").is_err());
    }

    #[test]
    fn the_units_name_the_socket_the_binary_and_the_data_dir() {
        let install = installation(
            "/opt/LLM Tutor/llm-agent",
            "/run/user/1000/llm-agent/agent.sock",
            "/home/ana/.local/share/llm-agent",
        );
        let socket = socket_unit(&install).unwrap();
        assert!(socket.contains("\nListenStream=/run/user/1000/llm-agent/agent.sock\n"));
        assert!(
            socket.contains("\nSocketMode=0600\n") && socket.contains("\nDirectoryMode=0700\n")
        );
        let service = service_unit(&install).unwrap();
        assert!(service.contains("\nType=notify\n"));
        assert!(
            service.contains(
                "\nExecStart=\"/opt/LLM Tutor/llm-agent\" \"--socket\" \"/run/user/1000/llm-agent/agent.sock\" \"--data-dir\" \"/home/ana/.local/share/llm-agent\"\n"
            ),
            "{service}"
        );
        assert!(service.contains(&format!("\nRequires={SOCKET_UNIT}\n")));
    }

    #[test]
    fn paths_that_would_not_read_back_are_refused() {
        let percent = installation("/a", "/run/100%/agent.sock", "/d");
        assert!(
            socket_unit(&percent)
                .unwrap()
                .contains("ListenStream=/run/100%%/agent.sock")
        );
        for socket in [
            "/run/x\n/agent.sock",
            " /run/agent.sock",
            "/run/agent.sock ",
        ] {
            assert!(
                socket_unit(&installation("/a", socket, "/d")).is_err(),
                "{socket:?}"
            );
        }
    }
}
