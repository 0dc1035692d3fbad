; facekiosk: the kiosk's Windows installer (NSIS 3, Unicode, MUI2; English and Simplified
; Chinese). Built by `cargo xtask package` with makensis, which passes:
;   VERSION   the workspace version            STAGE  the folder of the files to install
;   OUTFILE   the installer to write
; Command line of the installer: /S (silent), /ACCOUNT=name (the kiosk's Windows account,
; default the installing user), /NOAUTOSTART. Uninstaller: /S, /PURGE (also delete the
; kiosk's data in %ProgramData%\facekiosk, kept otherwise).

Target amd64-unicode
ManifestDPIAware true
!include "MUI2.nsh"
!include "nsDialogs.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define PRODUCT "facekiosk"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\facekiosk"
; The WebView2 Runtime's Evergreen client id (Microsoft's documented detection key).
!define WEBVIEW2_ID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define TASK "facekiosk"

Name "${PRODUCT} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${PRODUCT}"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
BrandingText "${PRODUCT} ${VERSION}"

Var Account
Var AccountField
Var AutoStart
Var AutoStartBox
Var Data

!define MUI_ICON "${STAGE}\icon.ico"
!define MUI_UNICON "${STAGE}\icon.ico"
!define MUI_ABORTWARNING

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
Page custom AccountPage AccountLeave
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

LangString AccountTitle ${LANG_ENGLISH} "The kiosk's account"
LangString AccountTitle ${LANG_SIMPCHINESE} "自助机账户"
LangString AccountText ${LANG_ENGLISH} "facekiosk starts full screen when this Windows account logs on, and only this account (with SYSTEM and the Administrators) may read its keys and data in $Data. Use a standard (non-administrator) account kept for the kiosk."
LangString AccountText ${LANG_SIMPCHINESE} "该 Windows 账户登录时 facekiosk 自动全屏启动；只有该账户（以及 SYSTEM 和管理员）可以读取 $Data 中的密钥和数据。请使用专供自助机的标准（非管理员）账户。"
LangString AccountAutoStart ${LANG_ENGLISH} "Start facekiosk when this account logs on"
LangString AccountAutoStart ${LANG_SIMPCHINESE} "该账户登录时启动 facekiosk"
LangString AccountEmpty ${LANG_ENGLISH} "Enter the kiosk's Windows account name."
LangString AccountEmpty ${LANG_SIMPCHINESE} "请输入自助机的 Windows 账户名。"
LangString NoWebView2 ${LANG_ENGLISH} "The Microsoft Edge WebView2 Runtime is not installed. facekiosk needs it to show its screens and will not open without it.$\r$\n$\r$\nInstall it before starting the kiosk: on a PC with internet, run Microsoft's Evergreen Bootstrapper (MicrosoftEdgeWebview2Setup.exe); on an offline kiosk, copy the Evergreen Standalone Installer x64 (MicrosoftEdgeWebView2RuntimeInstallerX64.exe) from https://developer.microsoft.com/microsoft-edge/webview2/ on a USB stick and run it as administrator. Windows 11 has it already.$\r$\n$\r$\nThe installation continues."
LangString NoWebView2 ${LANG_SIMPCHINESE} "未安装 Microsoft Edge WebView2 运行时。facekiosk 需要它来显示界面，缺少时无法打开。$\r$\n$\r$\n请在启动自助机前安装：联网的电脑运行微软的常青版引导程序（MicrosoftEdgeWebview2Setup.exe）；离线的自助机请从 https://developer.microsoft.com/microsoft-edge/webview2/ 下载常青版独立安装程序 x64（MicrosoftEdgeWebView2RuntimeInstallerX64.exe），用 U 盘拷贝后以管理员身份运行。Windows 11 已自带。$\r$\n$\r$\n安装将继续。"
LangString AclFailed ${LANG_ENGLISH} "Could not restrict the access to $Data (icacls). Only SYSTEM, the Administrators and the kiosk's account should read it: fix it before putting keys there."
LangString AclFailed ${LANG_SIMPCHINESE} "无法限制 $Data 的访问权限（icacls）。只应允许 SYSTEM、管理员和自助机账户读取：放入密钥前请先修正。"
LangString TaskFailed ${LANG_ENGLISH} "Could not register the start at log-on (schtasks). Start facekiosk by hand, or see docs/install-windows.md."
LangString TaskFailed ${LANG_SIMPCHINESE} "无法注册登录时启动（schtasks）。请手动启动 facekiosk，或参阅 docs/install-windows.md。"
LangString KeepData ${LANG_ENGLISH} "Also delete the kiosk's configuration, keys, records and logs in $Data?$\r$\n$\r$\nChoose No to keep them (a reinstall finds them again)."
LangString KeepData ${LANG_SIMPCHINESE} "是否同时删除 $Data 中自助机的配置、密钥、记录和日志？$\r$\n$\r$\n选择“否”保留（重新安装后仍可使用）。"

Function .onInit
  SetShellVarContext all
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "facekiosk needs 64-bit Windows. / facekiosk 需要 64 位 Windows。" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  StrCpy $Data "$APPDATA\${PRODUCT}"
  ReadEnvStr $Account "USERNAME"
  StrCpy $AutoStart ${BST_CHECKED}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ACCOUNT=" $R1
  ${IfNot} ${Errors}
    StrCpy $Account $R1
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NOAUTOSTART" $R1
  ${IfNot} ${Errors}
    StrCpy $AutoStart ${BST_UNCHECKED}
  ${EndIf}
FunctionEnd

Function AccountPage
  !insertmacro MUI_HEADER_TEXT "$(AccountTitle)" ""
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 48u "$(AccountText)"
  Pop $0
  ${NSD_CreateText} 0 56u 60% 12u "$Account"
  Pop $AccountField
  ${NSD_CreateCheckbox} 0 76u 100% 12u "$(AccountAutoStart)"
  Pop $AutoStartBox
  ${NSD_SetState} $AutoStartBox $AutoStart
  nsDialogs::Show
FunctionEnd

Function AccountLeave
  ${NSD_GetText} $AccountField $Account
  ${NSD_GetState} $AutoStartBox $AutoStart
  ${If} $Account == ""
    MessageBox MB_ICONEXCLAMATION "$(AccountEmpty)"
    Abort
  ${EndIf}
FunctionEnd

; The WebView2 Runtime, per machine (64-bit view, then the 32-bit one) or per user: "pv" is
; its version, absent or 0.0.0.0 when it is missing.
Function CheckWebView2
  SetRegView 32
  ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
  SetRegView 64
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "WebView2 Runtime: missing"
    MessageBox MB_ICONEXCLAMATION "$(NoWebView2)" /SD IDOK
  ${Else}
    DetailPrint "WebView2 Runtime: $0"
  ${EndIf}
FunctionEnd

Section "facekiosk" Main
  SectionIn RO
  ; An update: a running kiosk holds its .exe open.
  nsExec::ExecToLog 'taskkill /im facekiosk.exe /f'
  Pop $0
  SetOutPath "$INSTDIR"
  File "${STAGE}\facekiosk.exe"
  File "${STAGE}\facekiosk-cli.exe"
  File "${STAGE}\WebView2Loader.dll"
  File "${STAGE}\icon.ico"
  SetOutPath "$INSTDIR\consent"
  File /r "${STAGE}\consent\*"
  SetOutPath "$INSTDIR"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; %ProgramData%\facekiosk: configuration and keys, data\, logs\. Its ACL replaces the
  ; inherited one (which lets every user read): SYSTEM, Administrators, the kiosk's account.
  CreateDirectory "$Data"
  CreateDirectory "$Data\data"
  CreateDirectory "$Data\logs"
  SetOutPath "$Data"
  File "${STAGE}\kiosk.toml.example"
  SetOutPath "$INSTDIR"
  nsExec::ExecToLog 'icacls "$Data" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F "$Account:(OI)(CI)M" /T /C /Q'
  Pop $0
  ${If} $0 != 0
    DetailPrint "icacls: $0"
    MessageBox MB_ICONEXCLAMATION "$(AclFailed)" /SD IDOK
  ${EndIf}

  ; Start at log-on of the kiosk's account only: a scheduled task with a log-on trigger for
  ; that user, run as that user on its desktop, restarted when it dies. (A Run key under
  ; HKLM would start it for every account, the administrator's too; the account's own Run
  ; key is in a hive that is not loaded unless it is the installing user.)
  nsExec::ExecToLog 'schtasks /delete /tn "${TASK}" /f'
  Pop $0
  ${If} $AutoStart == ${BST_CHECKED}
    FileOpen $1 "$PLUGINSDIR\task.xml" w
    FileWriteUTF16LE /BOM $1 '<?xml version="1.0" encoding="UTF-16"?>$\r$\n<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">$\r$\n<RegistrationInfo><Description>facekiosk: the registration kiosk, full screen at log-on of $Account</Description></RegistrationInfo>$\r$\n<Triggers><LogonTrigger><Enabled>true</Enabled><UserId>$Account</UserId></LogonTrigger></Triggers>$\r$\n<Principals><Principal id="Kiosk"><UserId>$Account</UserId><LogonType>InteractiveToken</LogonType><RunLevel>LeastPrivilege</RunLevel></Principal></Principals>$\r$\n'
    FileWriteUTF16LE $1 '<Settings><MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy><DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries><StopIfGoingOnBatteries>false</StopIfGoingOnBatteries><ExecutionTimeLimit>PT0S</ExecutionTimeLimit><RestartOnFailure><Interval>PT1M</Interval><Count>999</Count></RestartOnFailure><Priority>4</Priority></Settings>$\r$\n<Actions Context="Kiosk"><Exec><Command>"$INSTDIR\facekiosk.exe"</Command><WorkingDirectory>$INSTDIR</WorkingDirectory></Exec></Actions>$\r$\n</Task>$\r$\n'
    FileClose $1
    nsExec::ExecToLog 'schtasks /create /tn "${TASK}" /xml "$PLUGINSDIR\task.xml" /f'
    Pop $0
    ${If} $0 != 0
      DetailPrint "schtasks: $0"
      MessageBox MB_ICONEXCLAMATION "$(TaskFailed)" /SD IDOK
    ${EndIf}
  ${EndIf}

  Call CheckWebView2

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "facekiosk"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetShellVarContext all
  SetRegView 64
  StrCpy $Data "$APPDATA\${PRODUCT}"
FunctionEnd

Section "Uninstall"
  nsExec::ExecToLog 'schtasks /delete /tn "${TASK}" /f'
  Pop $0
  nsExec::ExecToLog 'taskkill /im facekiosk.exe /f'
  Pop $0
  Delete "$INSTDIR\facekiosk.exe"
  Delete "$INSTDIR\facekiosk-cli.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  RMDir /r "$INSTDIR\consent"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINST_KEY}"
  ; The kiosk's data stays unless asked: it holds the keys and the consent receipts.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    RMDir /r "$Data"
  ${Else}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(KeepData)" /SD IDNO IDNO keep
    RMDir /r "$Data"
    keep:
  ${EndIf}
SectionEnd
