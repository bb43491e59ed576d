//! macOS: the LaunchAgent. launchd creates the agent's socket (mode 0600) when the user
//! logs in and starts the agent on the first connection, handing the socket over through
//! `launch_activate_socket` (see `ipc::activation`). The agent logs to
//! `<data dir>/logs`, since launchd gives it no terminal.
//!
//! A property list is XML: each argument is its own `<string>`, so no shell quoting is
//! involved, only XML escaping.

use std::path::PathBuf;

use super::{Installation, ServiceError};
use crate::ipc::activation::LAUNCHD_SOCKET;

/// The LaunchAgent's label, and the name of its plist.
pub const LABEL: &str = "org.llm-tutor.llm-agent";

/// `~/Library/LaunchAgents/<label>.plist`.
pub fn plist_path() -> Result<PathBuf, ServiceError> {
    let home = directories::BaseDirs::new().ok_or(ServiceError::NoHome)?;
    Ok(home
        .home_dir()
        .join("Library")
        .join("LaunchAgents")
        .join(format!("{LABEL}.plist")))
}

pub fn plist(installation: &Installation) -> Result<String, ServiceError> {
    let mut arguments = String::new();
    for arg in installation.command_line_with_log_dir() {
        arguments.push_str(&format!("\t\t<string>{}</string>\n", xml_text(&arg)?));
    }
    let socket = xml_text(super::utf8(&installation.socket)?)?;
    Ok(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by `llm-agent service install`; `llm-agent service uninstall` removes it. -->
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>{LABEL}</string>
	<key>ProgramArguments</key>
	<array>
{arguments}	</array>
	<key>Sockets</key>
	<dict>
		<key>{LAUNCHD_SOCKET}</key>
		<dict>
			<key>SockPathName</key>
			<string>{socket}</string>
			<key>SockPathMode</key>
			<integer>384</integer>
		</dict>
	</dict>
</dict>
</plist>
"#
    ))
}

/// Text escaped for XML character data. Control characters other than tab cannot be in
/// XML 1.0 at all, so they are refused.
fn xml_text(text: &str) -> Result<String, ServiceError> {
    if text.chars().any(|c| c.is_control() && c != '\t') {
        return Err(ServiceError::UnwritablePath {
            path: text.into(),
            why: "it holds a control character (a newline?)",
        });
    }
    Ok(text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plist_starts_the_agent_on_its_socket_with_escaped_paths() {
        let install = Installation {
            binary: "/Applications/LLM Tutor & Co.app/Contents/MacOS/llm-agent".into(),
            socket: "/var/folders/xy/T/llm-agent/agent.sock".into(),
            data_dir: "/Users/ana/Library/Application Support/llm-agent".into(),
        };
        let plist = plist(&install).unwrap();
        assert!(plist.contains(
            "\t\t<string>/Applications/LLM Tutor &amp; Co.app/Contents/MacOS/llm-agent</string>\n\t\t<string>--socket</string>\n"
        ));
        assert!(plist.contains(
            "<string>--log-dir</string>\n\t\t<string>/Users/ana/Library/Application Support/llm-agent/logs</string>\n\t</array>"
        ));
        assert!(plist.contains(&format!("<key>{LAUNCHD_SOCKET}</key>")));
        assert!(plist.contains(
            "<key>SockPathName</key>\n\t\t\t<string>/var/folders/xy/T/llm-agent/agent.sock</string>"
        ));
        // 0600, which plists can only write in decimal.
        assert!(plist.contains("<integer>384</integer>"));
        assert_eq!(
            plist.matches("<dict>").count(),
            plist.matches("</dict>").count()
        );
    }

    #[test]
    fn xml_text_escapes_markup_and_refuses_controls() {
        assert_eq!(
            xml_text("a<b>&\"c\"").unwrap(),
            "a&lt;b&gt;&amp;&quot;c&quot;"
        );
        assert!(xml_text("a\nb").is_err());
    }
}
