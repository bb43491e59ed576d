//! `--exit-with-parent [PID]`: the agent ends gracefully when the process it follows
//! exits, by default the one that started it, however that process ends (`kill -9`
//! included), because the OS tells us, not the process:
//!
//! - Linux: a pidfd, readable once the process has exited (Linux 5.3 and later). On an
//!   older kernel, following the parent falls back to `PR_SET_PDEATHSIG` (a `SIGTERM`
//!   when the parent dies), and following another process is refused.
//! - macOS: a kqueue `EVFILT_PROC` / `NOTE_EXIT` event, waited for on its own thread.
//! - Windows: a process handle opened with `SYNCHRONIZE`, waited for on its own thread.
//!   The parent is found in a process snapshot and must have started before the agent,
//!   so a recycled process id is never followed.
//!
//! A process that is already gone ends the agent at once.

use tokio_util::sync::CancellationToken;

use super::Followed;

/// The process cannot be followed.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error("cannot follow process {pid}: {source}")]
    Watch { pid: u32, source: std::io::Error },
    #[error("cannot find the process that started llm-agent: {0}")]
    NoParent(std::io::Error),
    #[error(
        "this kernel cannot follow another process (it has no pidfd, Linux 5.3+); use --exit-with-parent without a PID"
    )]
    Unsupported,
}

/// Starts following `followed`; cancels `shutdown` when it exits. Call on the agent's
/// runtime.
pub fn follow(followed: Followed, shutdown: CancellationToken) -> Result<(), FollowError> {
    os::follow(followed, move |pid| {
        tracing::info!(
            pid,
            "the process the agent follows has exited; shutting down"
        );
        shutdown.cancel();
    })
}

/// What following a process takes on Linux and macOS alike.
#[cfg(any(target_os = "linux", target_os = "macos"))]
mod unix {
    use rustix::io::Errno;
    use rustix::process::{Pid, getppid};

    use super::{FollowError, Followed};

    /// The process to follow: its id for messages, and as rustix takes it. A parent
    /// already gone reads as init (1), which [`parent_changed`] then reports.
    pub(super) fn target(followed: Followed) -> Result<(u32, Pid), FollowError> {
        let pid = match followed {
            Followed::Pid(pid) => pid,
            Followed::Parent => getppid().map_or(1, |pid| pid.as_raw_pid().unsigned_abs()),
        };
        let raw = i32::try_from(pid)
            .ok()
            .and_then(Pid::from_raw)
            .ok_or_else(|| watch_error(pid, Errno::INVAL))?;
        Ok((pid, raw))
    }

    pub(super) fn watch_error(pid: u32, errno: Errno) -> FollowError {
        FollowError::Watch {
            pid,
            source: errno.into(),
        }
    }

    /// Whether the followed parent `raw` went between being asked for and being watched:
    /// the agent would then follow whoever adopted it.
    pub(super) fn parent_changed(followed: Followed, raw: Pid) -> bool {
        followed == Followed::Parent && getppid().map(Pid::as_raw_pid) != Some(raw.as_raw_pid())
    }
}

#[cfg(target_os = "linux")]
mod os {
    use rustix::io::Errno;
    use rustix::process::{PidfdFlags, Signal, pidfd_open};
    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;

    use super::{FollowError, Followed, unix};

    pub(super) fn follow(
        followed: Followed,
        exited: impl FnOnce(u32) + Send + 'static,
    ) -> Result<(), FollowError> {
        let (pid, raw) = unix::target(followed)?;
        let watch_err = |errno: Errno| unix::watch_error(pid, errno);
        let pidfd = match pidfd_open(raw, PidfdFlags::empty()) {
            Ok(pidfd) => pidfd,
            Err(Errno::SRCH) => {
                exited(pid);
                return Ok(());
            }
            Err(Errno::NOSYS) if followed == Followed::Parent => {
                rustix::process::set_parent_process_death_signal(Some(Signal::TERM))
                    .map_err(watch_err)?;
                // The parent may have gone before the signal was armed.
                if unix::parent_changed(followed, raw) {
                    exited(pid);
                }
                return Ok(());
            }
            Err(Errno::NOSYS) => return Err(FollowError::Unsupported),
            Err(e) => return Err(watch_err(e)),
        };
        if unix::parent_changed(followed, raw) {
            exited(pid);
            return Ok(());
        }
        // SAFETY: the AsyncFd owns the pidfd, which stays open, and the same, as long as
        // the AsyncFd lives.
        let readable = unsafe { AsyncFd::register_with_interest(pidfd, Interest::READABLE) }
            .map_err(|e| FollowError::Watch {
                pid,
                source: e.into(),
            })?;
        tokio::spawn(async move {
            // A pidfd turns readable when its process exits; an error ends it as well.
            let _ = readable.readable().await;
            exited(pid);
        });
        Ok(())
    }
}

#[cfg(target_os = "macos")]
mod os {
    use rustix::event::kqueue::{Event, EventFilter, EventFlags, ProcessEvents, kevent, kqueue};
    use rustix::io::Errno;

    use super::{FollowError, Followed, unix};

    pub(super) fn follow(
        followed: Followed,
        exited: impl FnOnce(u32) + Send + 'static,
    ) -> Result<(), FollowError> {
        let (pid, raw) = unix::target(followed)?;
        let watch_err = |errno: Errno| unix::watch_error(pid, errno);
        let queue = kqueue().map_err(watch_err)?;
        let exit = Event::new(
            EventFilter::Proc {
                pid: raw,
                flags: ProcessEvents::EXIT,
            },
            EventFlags::ADD | EventFlags::ONESHOT,
            std::ptr::null_mut(),
        );
        let mut none: Vec<Event> = Vec::new();
        // SAFETY: the event carries no user data pointer to dangle.
        match unsafe {
            kevent(
                &queue,
                &[exit],
                rustix::buffer::spare_capacity(&mut none),
                None,
            )
        } {
            Ok(_) => {}
            Err(Errno::SRCH) => {
                exited(pid);
                return Ok(());
            }
            Err(e) => return Err(watch_err(e)),
        }
        if unix::parent_changed(followed, raw) {
            exited(pid);
            return Ok(());
        }
        std::thread::Builder::new()
            .name("exit-with-parent".into())
            .spawn(move || {
                let mut events: Vec<Event> = Vec::with_capacity(1);
                // Until the exit event (or an error other than an interruption) arrives.
                // SAFETY: as above; the list only receives events.
                while let Ok(0) | Err(Errno::INTR) = unsafe {
                    kevent(
                        &queue,
                        &[],
                        rustix::buffer::spare_capacity(&mut events),
                        None,
                    )
                } {}
                exited(pid);
            })
            .map_err(|source| FollowError::Watch { pid, source })?;
        Ok(())
    }
}

#[cfg(windows)]
mod os {
    use std::io;

    use windows_sys::Win32::Foundation::{CloseHandle, FILETIME, HANDLE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW,
        TH32CS_SNAPPROCESS,
    };
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcess, GetProcessTimes, INFINITE, OpenProcess,
        PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_SYNCHRONIZE, WaitForSingleObject,
    };

    use super::{FollowError, Followed};

    /// A process handle, closed on drop; sent to the thread that waits on it.
    struct ProcessHandle(HANDLE);

    // SAFETY: a process handle may be used and closed from any thread.
    unsafe impl Send for ProcessHandle {}

    impl ProcessHandle {
        /// Blocks until the process has exited.
        fn wait_for_exit(&self) {
            // SAFETY: a handle we own, opened with SYNCHRONIZE access.
            unsafe { WaitForSingleObject(self.0, INFINITE) };
        }
    }

    impl Drop for ProcessHandle {
        fn drop(&mut self) {
            // SAFETY: opened by us, closed once.
            unsafe { CloseHandle(self.0) };
        }
    }

    pub(super) fn follow(
        followed: Followed,
        exited: impl FnOnce(u32) + Send + 'static,
    ) -> Result<(), FollowError> {
        let pid = match followed {
            Followed::Pid(pid) => pid,
            Followed::Parent => parent_pid().map_err(FollowError::NoParent)?,
        };
        // SAFETY: plain Win32 call; a null handle is checked below.
        let handle = unsafe {
            OpenProcess(
                PROCESS_SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION,
                0,
                pid,
            )
        };
        if handle.is_null() {
            let error = io::Error::last_os_error();
            // ERROR_INVALID_PARAMETER: no process has that id (any more).
            if error.raw_os_error() == Some(87) {
                exited(pid);
                return Ok(());
            }
            return Err(FollowError::Watch { pid, source: error });
        }
        let process = ProcessHandle(handle);
        if followed == Followed::Parent {
            // SAFETY: the current process's pseudo-handle needs no closing.
            let ours = start_time(unsafe { GetCurrentProcess() });
            let theirs = start_time(process.0);
            match (theirs, ours) {
                (Ok(theirs), Ok(ours)) if theirs <= ours => {}
                // Started after us: the parent is gone and its id was given to another.
                (Ok(_), Ok(_)) => {
                    exited(pid);
                    return Ok(());
                }
                (Err(source), _) | (_, Err(source)) => {
                    return Err(FollowError::Watch { pid, source });
                }
            }
        }
        std::thread::Builder::new()
            .name("exit-with-parent".into())
            .spawn(move || {
                process.wait_for_exit();
                exited(pid);
            })
            .map_err(|source| FollowError::Watch { pid, source })?;
        Ok(())
    }

    /// The creation time of a process, in 100 ns units since 1601.
    fn start_time(process: HANDLE) -> io::Result<u64> {
        let zero = FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        };
        let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
        // SAFETY: four FILETIMEs to write into.
        let ok =
            unsafe { GetProcessTimes(process, &mut created, &mut exited, &mut kernel, &mut user) };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(u64::from(created.dwHighDateTime) << 32 | u64::from(created.dwLowDateTime))
    }

    /// The id of the process that started this one, from a snapshot of all processes.
    fn parent_pid() -> io::Result<u32> {
        // SAFETY: plain Win32 call; the invalid handle is checked below.
        let snapshot = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0) };
        if snapshot == INVALID_HANDLE_VALUE {
            return Err(io::Error::last_os_error());
        }
        let snapshot = ProcessHandle(snapshot);
        let own = std::process::id();
        // SAFETY: an all-zero PROCESSENTRY32W is valid; dwSize must be set before use.
        let mut entry: PROCESSENTRY32W = unsafe { std::mem::zeroed() };
        entry.dwSize = std::mem::size_of::<PROCESSENTRY32W>() as u32;
        // SAFETY: the entry is sized as the API requires.
        let mut more = unsafe { Process32FirstW(snapshot.0, &mut entry) } != 0;
        while more {
            if entry.th32ProcessID == own {
                return Ok(entry.th32ParentProcessID);
            }
            // SAFETY: as above.
            more = unsafe { Process32NextW(snapshot.0, &mut entry) } != 0;
        }
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            "this process is not in the process snapshot",
        ))
    }
}
