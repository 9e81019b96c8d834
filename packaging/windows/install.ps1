# Install (or upgrade) jeugdtoegang for all users of this Windows computer.
# UNTESTED: no Windows runner is available to this project yet. Build the bundle on Windows
# with `py packaging\build.py --no-smoke` (same spec), unpack the .zip, then as administrator:
#
#   powershell -ExecutionPolicy Bypass -File install.ps1 [-Settings C:\pad\settings.toml]
#
# Program files go to %ProgramFiles%\jeugdtoegang; a Start menu shortcut is made for all users;
# -Settings copies the machine-wide settings to %ProgramData%\jeugdtoegang\settings.toml.
# User data (%LOCALAPPDATA%\jeugdtoegang) are never touched.
param([string]$Settings = "")
$ErrorActionPreference = "Stop"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$target = Join-Path $env:ProgramFiles "jeugdtoegang"
if (Test-Path $target) { Remove-Item -Recurse -Force $target }
Copy-Item -Recurse $here $target
$menu = Join-Path $env:ProgramData "Microsoft\Windows\Start Menu\Programs\Jeugdtoegang.lnk"
$shell = New-Object -ComObject WScript.Shell
$link = $shell.CreateShortcut($menu)
$link.TargetPath = Join-Path $target "jeugdtoegang-gui.exe"
$link.WorkingDirectory = $target
$link.Save()
if ($Settings -ne "") {
    $conf = Join-Path $env:ProgramData "jeugdtoegang"
    New-Item -ItemType Directory -Force -Path $conf | Out-Null
    Copy-Item $Settings (Join-Path $conf "settings.toml")
}
Write-Output "jeugdtoegang geinstalleerd in $target"
