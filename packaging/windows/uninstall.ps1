# Remove jeugdtoegang from this Windows computer. UNTESTED (see install.ps1).
#   powershell -ExecutionPolicy Bypass -File "%ProgramFiles%\jeugdtoegang\uninstall.ps1"
# Users' data in %LOCALAPPDATA%\jeugdtoegang are NOT removed (legal retention of dossiers).
param([switch]$KeepSettings)
$ErrorActionPreference = "Stop"
Remove-Item -Force -ErrorAction SilentlyContinue (Join-Path $env:ProgramData "Microsoft\Windows\Start Menu\Programs\Jeugdtoegang.lnk")
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue (Join-Path $env:ProgramFiles "jeugdtoegang")
if (-not $KeepSettings) { Remove-Item -Recurse -Force -ErrorAction SilentlyContinue (Join-Path $env:ProgramData "jeugdtoegang") }
Write-Output "jeugdtoegang verwijderd (gebruikersgegevens zijn bewaard)"
