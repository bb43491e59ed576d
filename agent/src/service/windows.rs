//! Windows: the per-user logon start, a value named `llm-agent` under
//! `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`: Windows runs its command line
//! when the user logs in. Setting a registry value is atomic. The agent gets
//! `--no-console` (it lets go of the console window Windows opens for it) and logs to
//! `<data dir>\logs`.
//!
//! The command line is quoted the way `CommandLineToArgvW` and the C runtime read it
//! back: each argument in double quotes, a `"` inside escaped with a backslash, and
//! backslashes doubled only where they precede a quote.

use super::{Installation, ServiceError};

pub const RUN_KEY: &str = r"Software\Microsoft\Windows\CurrentVersion\Run";
pub const VALUE_NAME: &str = "llm-agent";

/// The command line the logon start runs.
pub fn command_line(installation: &Installation) -> Result<String, ServiceError> {
    let mut args = installation.command_line_with_log_dir();
    args.push("--no-console".into());
    let mut words = Vec::with_capacity(args.len());
    for arg in &args {
        if arg.chars().any(char::is_control) {
            return Err(ServiceError::UnwritablePath {
                path: arg.into(),
                why: "it holds a control character (a newline?)",
            });
        }
        words.push(quote(arg));
    }
    Ok(words.join(" "))
}

/// One argument in double quotes, read back as itself by `CommandLineToArgvW`.
fn quote(arg: &str) -> String {
    let mut quoted = String::with_capacity(arg.len() + 2);
    quoted.push('"');
    let mut backslashes = 0;
    for c in arg.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                quoted.extend(std::iter::repeat_n('\\', 2 * backslashes + 1));
                quoted.push('"');
                backslashes = 0;
            }
            c => {
                quoted.extend(std::iter::repeat_n('\\', backslashes));
                quoted.push(c);
                backslashes = 0;
            }
        }
    }
    // Before the closing quote, every backslash must be doubled.
    quoted.extend(std::iter::repeat_n('\\', 2 * backslashes));
    quoted.push('"');
    quoted
}

#[cfg(windows)]
pub use registry::{read, remove, write};

#[cfg(windows)]
mod registry {
    use std::io;

    use widestring::U16CString;
    use windows_sys::Win32::Foundation::{ERROR_FILE_NOT_FOUND, ERROR_SUCCESS};
    use windows_sys::Win32::System::Registry::{
        HKEY, HKEY_CURRENT_USER, KEY_SET_VALUE, REG_OPTION_NON_VOLATILE, REG_SZ, RRF_RT_REG_SZ,
        RegCloseKey, RegCreateKeyExW, RegDeleteKeyValueW, RegGetValueW, RegSetValueExW,
    };

    use super::{RUN_KEY, VALUE_NAME};

    fn wide(text: &str) -> io::Result<U16CString> {
        U16CString::from_str(text).map_err(io::Error::other)
    }

    fn check(status: u32) -> io::Result<()> {
        if status == ERROR_SUCCESS {
            Ok(())
        } else {
            Err(io::Error::from_raw_os_error(status as i32))
        }
    }

    /// Sets the logon start's command line.
    pub fn write(command_line: &str) -> io::Result<()> {
        let (key_name, value_name, data) = (wide(RUN_KEY)?, wide(VALUE_NAME)?, wide(command_line)?);
        let mut key: HKEY = std::ptr::null_mut();
        // SAFETY: NUL-terminated names; `key` receives a handle closed below.
        check(unsafe {
            RegCreateKeyExW(
                HKEY_CURRENT_USER,
                key_name.as_ptr(),
                0,
                std::ptr::null(),
                REG_OPTION_NON_VOLATILE,
                KEY_SET_VALUE,
                std::ptr::null(),
                &mut key,
                std::ptr::null_mut(),
            )
        })?;
        let bytes = data.as_slice_with_nul();
        // SAFETY: the data is the UTF-16 string with its NUL, measured in bytes.
        let set = check(unsafe {
            RegSetValueExW(
                key,
                value_name.as_ptr(),
                0,
                REG_SZ,
                bytes.as_ptr().cast(),
                (bytes.len() * 2) as u32,
            )
        });
        // SAFETY: the key opened above.
        unsafe { RegCloseKey(key) };
        set
    }

    /// Removes the logon start; true if there was one.
    pub fn remove() -> io::Result<bool> {
        let (key_name, value_name) = (wide(RUN_KEY)?, wide(VALUE_NAME)?);
        // SAFETY: NUL-terminated names.
        match unsafe {
            RegDeleteKeyValueW(HKEY_CURRENT_USER, key_name.as_ptr(), value_name.as_ptr())
        } {
            ERROR_FILE_NOT_FOUND => Ok(false),
            status => check(status).map(|()| true),
        }
    }

    /// The logon start's command line, if there is one.
    pub fn read() -> io::Result<Option<String>> {
        let (key_name, value_name) = (wide(RUN_KEY)?, wide(VALUE_NAME)?);
        let mut buffer = vec![0u16; 4096];
        let mut len = (buffer.len() * 2) as u32;
        // SAFETY: `len` is the buffer's size in bytes.
        let status = unsafe {
            RegGetValueW(
                HKEY_CURRENT_USER,
                key_name.as_ptr(),
                value_name.as_ptr(),
                RRF_RT_REG_SZ,
                std::ptr::null_mut(),
                buffer.as_mut_ptr().cast(),
                &mut len,
            )
        };
        if status == ERROR_FILE_NOT_FOUND {
            return Ok(None);
        }
        check(status)?;
        let chars = (len as usize / 2).min(buffer.len());
        let text = String::from_utf16_lossy(&buffer[..chars]);
        Ok(Some(text.trim_end_matches('\0').to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_quoted_as_command_line_to_argv_reads_them() {
        assert_eq!(
            quote(r"C:\Program Files\LLM Tutor\llm-agent.exe"),
            r#""C:\Program Files\LLM Tutor\llm-agent.exe""#
        );
        assert_eq!(
            quote(r"\\.\pipe\llm-agent-ana"),
            r#""\\.\pipe\llm-agent-ana""#
        );
        assert_eq!(
            quote(r"C:\data\"),
            r#""C:\data\\""#,
            "a trailing backslash is doubled"
        );
        assert_eq!(quote(r#"a"b"#), r#""a\"b""#);
        assert_eq!(quote(r#"a\"b"#), r#""a\\\"b""#);
        assert_eq!(quote(""), r#""""#);
    }

    #[test]
    fn the_logon_start_runs_the_agent_without_its_console_and_logs_to_files() {
        let install = Installation {
            binary: r"C:\Users\Ana Li\AppData\Local\Programs\LLM Tutor\llm-agent.exe".into(),
            socket: r"\\.\pipe\llm-agent-Ana_Li".into(),
            data_dir: r"C:\Users\Ana Li\AppData\Roaming\llm-agent\data".into(),
        };
        let line = command_line(&install).unwrap();
        assert!(line.starts_with(
            r#""C:\Users\Ana Li\AppData\Local\Programs\LLM Tutor\llm-agent.exe" "--socket" "\\.\pipe\llm-agent-Ana_Li" "--data-dir" "C:\Users\Ana Li\AppData\Roaming\llm-agent\data" "--log-dir" "#
        ), "{line}");
        assert!(line.ends_with(r#" "--no-console""#), "{line}");
    }
}
