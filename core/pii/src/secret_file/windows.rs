//! The rule on Windows, where permissions are ACLs: a secret's file is exposed when its DACL
//! lets Everyone, Users or Authenticated Users read it (every local account is one of them),
//! or when it has no DACL at all (which grants everyone everything). New files get a
//! protected DACL naming only their owner, SYSTEM and Administrators, set by `CreateFileW`
//! itself, so there is no moment in which the inherited ACL of the folder applies.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::FromRawHandle;
use std::path::Path;
use std::ptr;

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_SUCCESS, GENERIC_ALL, GENERIC_READ, GENERIC_WRITE, HANDLE, HLOCAL,
    INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW,
    GetNamedSecurityInfoW, SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    ACCESS_ALLOWED_ACE, ACL, DACL_SECURITY_INFORMATION, GetAce, GetTokenInformation,
    INHERIT_ONLY_ACE, PSECURITY_DESCRIPTOR, PSID, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER,
    TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_READ_DATA,
};
use windows_sys::Win32::System::SystemServices::{ACCESS_ALLOWED_ACE_TYPE, MAXIMUM_ALLOWED};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// The groups every local account belongs to, by SID and by the name a technician sees.
const BROAD: [(&str, &str); 3] = [
    ("S-1-1-0", "Everyone"),
    ("S-1-5-32-545", "Users"),
    ("S-1-5-11", "Authenticated Users"),
];

/// Rights that read a file's content (the generic ones may stay unmapped in an ACE).
const READS: u32 = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL | MAXIMUM_ALLOWED;

/// Who, beyond the owner and the administrators, may read the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reader {
    /// No DACL: everyone may do everything.
    NoDacl,
    /// An ACE allows this broad group to read.
    Group(&'static str),
}

/// Creates `path` new with an owner-only DACL.
pub fn create(path: &Path) -> io::Result<File> {
    let user = current_user_sid()?;
    // D:P = a protected DACL (nothing inherited from the folder); FA = full access.
    let sddl = format!("D:P(A;;FA;;;{user})(A;;FA;;;SY)(A;;FA;;;BA)");
    let descriptor = Local::descriptor(&sddl)?;
    let attributes = SECURITY_ATTRIBUTES {
        nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
        lpSecurityDescriptor: descriptor.0,
        bInheritHandle: 0,
    };
    let name = wide(path.as_os_str());
    // SAFETY: `name` is NUL-terminated and `attributes` points at a live descriptor.
    let handle = unsafe {
        CreateFileW(
            name.as_ptr(),
            GENERIC_WRITE,
            0,
            &attributes,
            CREATE_NEW,
            FILE_ATTRIBUTE_NORMAL,
            ptr::null_mut(),
        )
    };
    if handle == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh handle we own, handed to `File` which closes it.
    Ok(unsafe { File::from_raw_handle(handle) })
}

/// The first broad group that may read `path`, if any.
pub fn exposed_to(path: &Path) -> io::Result<Option<Reader>> {
    let name = wide(path.as_os_str());
    let mut dacl: *mut ACL = ptr::null_mut();
    let mut descriptor: PSECURITY_DESCRIPTOR = ptr::null_mut();
    // SAFETY: out-pointers to locals; the descriptor is freed by `Local`.
    let status = unsafe {
        GetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            ptr::null_mut(),
            ptr::null_mut(),
            &mut dacl,
            ptr::null_mut(),
            &mut descriptor,
        )
    };
    if status != ERROR_SUCCESS {
        return Err(io::Error::from_raw_os_error(status as i32));
    }
    let _descriptor = Local(descriptor);
    if dacl.is_null() {
        return Ok(Some(Reader::NoDacl));
    }
    // SAFETY: `dacl` points into the descriptor, alive until `_descriptor` drops.
    let count = unsafe { (*dacl).AceCount };
    for index in 0..u32::from(count) {
        let mut ace: *mut core::ffi::c_void = ptr::null_mut();
        // SAFETY: index below AceCount; `ace` points into the DACL.
        if unsafe { GetAce(dacl, index, &mut ace) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let allowed = ace.cast::<ACCESS_ALLOWED_ACE>();
        // SAFETY: every ACE starts with its header; an allowed ACE has mask and SID after it.
        let (kind, flags, mask) = unsafe {
            let h = &(*allowed).Header;
            (u32::from(h.AceType), u32::from(h.AceFlags), (*allowed).Mask)
        };
        // Deny ACEs are not subtracted: refusing a file someone denied carefully is the
        // safe mistake, and the fix (an owner-only ACL) is the same.
        if kind != ACCESS_ALLOWED_ACE_TYPE || flags & INHERIT_ONLY_ACE != 0 || mask & READS == 0 {
            continue;
        }
        // SAFETY: SidStart is where the ACE's SID begins.
        let sid = unsafe { sid_string(ptr::addr_of_mut!((*allowed).SidStart).cast())? };
        if let Some((_, group)) = BROAD.iter().find(|(s, _)| *s == sid) {
            return Ok(Some(Reader::Group(group)));
        }
    }
    Ok(None)
}

/// The process's user as `S-1-5-21-...`.
fn current_user_sid() -> io::Result<String> {
    let mut token: HANDLE = ptr::null_mut();
    // SAFETY: the pseudo-handle of our process; `token` is closed below.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let mut buf = vec![0u64; 64];
    let mut len = 0u32;
    // SAFETY: `buf` is 512 bytes, 8-aligned; TOKEN_USER and its SID fit in far less.
    let ok = unsafe {
        GetTokenInformation(
            token,
            TokenUser,
            buf.as_mut_ptr().cast(),
            (buf.len() * 8) as u32,
            &mut len,
        )
    };
    let error = io::Error::last_os_error();
    // SAFETY: our token handle.
    unsafe { CloseHandle(token) };
    if ok == 0 {
        return Err(error);
    }
    // SAFETY: filled by GetTokenInformation(TokenUser).
    let sid = unsafe { (*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid };
    // SAFETY: a valid SID inside `buf`.
    unsafe { sid_string(sid) }
}

/// # Safety
/// `sid` points at a valid SID.
unsafe fn sid_string(sid: PSID) -> io::Result<String> {
    let mut text: *mut u16 = ptr::null_mut();
    // SAFETY: the caller's SID; `text` is freed by `Local`.
    if unsafe { ConvertSidToStringSidW(sid, &mut text) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let _text = Local(text.cast());
    // SAFETY: a NUL-terminated string from the call above.
    let len = (0..).take_while(|&i| unsafe { *text.add(i) } != 0).count();
    // SAFETY: `len` units before the NUL.
    Ok(String::from_utf16_lossy(unsafe {
        std::slice::from_raw_parts(text, len)
    }))
}

fn wide(s: &OsStr) -> Vec<u16> {
    s.encode_wide().chain(Some(0)).collect()
}

/// Memory Windows allocated for us with LocalAlloc, freed when dropped.
struct Local(*mut core::ffi::c_void);

impl Local {
    fn descriptor(sddl: &str) -> io::Result<Local> {
        let text = wide(OsStr::new(sddl));
        let mut sd: PSECURITY_DESCRIPTOR = ptr::null_mut();
        // SAFETY: NUL-terminated SDDL; `sd` is freed by the returned `Local`.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                text.as_ptr(),
                SDDL_REVISION_1,
                &mut sd,
                ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Local(sd))
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: allocated by Windows with LocalAlloc, freed once.
            unsafe { LocalFree(self.0 as HLOCAL) };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use windows_sys::Win32::Security::Authorization::SetNamedSecurityInfoW;
    use windows_sys::Win32::Security::GetSecurityDescriptorDacl;

    use super::*;

    /// Replaces the file's DACL with the one `sddl` describes.
    fn set_dacl(path: &Path, sddl: &str) {
        let sd = Local::descriptor(sddl).unwrap();
        let (mut present, mut defaulted) = (0, 0);
        let mut dacl: *mut ACL = ptr::null_mut();
        // SAFETY: a descriptor from SDDL; out-pointers to locals.
        let ok =
            unsafe { GetSecurityDescriptorDacl(sd.0, &mut present, &mut dacl, &mut defaulted) };
        assert_ne!(ok, 0);
        let name = wide(path.as_os_str());
        // SAFETY: `dacl` lives inside `sd`; a NULL DACL is what "D:NO_ACCESS_CONTROL" means.
        let status = unsafe {
            SetNamedSecurityInfoW(
                name.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION,
                ptr::null_mut(),
                ptr::null_mut(),
                dacl,
                ptr::null(),
            )
        };
        assert_eq!(status, ERROR_SUCCESS, "{sddl}");
    }

    fn dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("facekiosk-pii-acl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Wine 8 keeps no ACL of its own on a file: it answers one made from the Unix mode
    /// (world-readable: Everyone) and drops what SetNamedSecurityInfoW sets, except the
    /// mode it implies.
    fn under_wine() -> bool {
        use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleA, GetProcAddress};
        // SAFETY: NUL-terminated names; ntdll is loaded in every process.
        unsafe {
            let ntdll = GetModuleHandleA(c"ntdll.dll".as_ptr().cast());
            !ntdll.is_null() && GetProcAddress(ntdll, c"wine_get_version".as_ptr().cast()).is_some()
        }
    }

    #[test]
    fn a_key_we_create_is_ours_only_and_one_everyone_may_read_is_refused() {
        let dir = dir();
        let path = dir.join("apiclient_key.pem");
        let _ = std::fs::remove_file(&path);
        create(&path).unwrap().write_all(b"k").unwrap();
        assert_eq!(exposed_to(&path).unwrap(), None);
        assert_eq!(
            create(&path).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        set_dacl(&path, "D:P(A;;FA;;;SY)(A;;FR;;;WD)");
        assert_eq!(exposed_to(&path).unwrap(), Some(Reader::Group("Everyone")));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn each_broad_group_and_a_null_dacl_are_refused() {
        if under_wine() {
            eprintln!("skipped under Wine: it keeps no DACL on a file");
            return;
        }
        let dir = dir();
        for (n, (sddl, reader)) in [
            ("D:P(A;;FR;;;WD)", Some(Reader::Group("Everyone"))),
            ("D:P(A;;FR;;;BU)", Some(Reader::Group("Users"))),
            (
                "D:P(A;;FA;;;AU)",
                Some(Reader::Group("Authenticated Users")),
            ),
            ("D:P(A;;GR;;;BU)", Some(Reader::Group("Users"))),
            ("D:NO_ACCESS_CONTROL", Some(Reader::NoDacl)),
            ("D:P(A;;FA;;;SY)(A;;FA;;;BA)", None),
            // Inherit-only: applies to children of a folder, not to this file.
            ("D:P(A;IO;FR;;;WD)(A;;FA;;;SY)", None),
        ]
        .into_iter()
        .enumerate()
        {
            let path = dir.join(format!("key-{n}"));
            std::fs::write(&path, "k").unwrap();
            set_dacl(&path, sddl);
            assert_eq!(exposed_to(&path).unwrap(), reader, "{sddl}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
