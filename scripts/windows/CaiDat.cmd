@echo off
rem Launcher of CaiDat.ps1 (ASCII only: cmd.exe reads a .cmd in the OEM code page).
rem Per user:        CaiDat.cmd
rem For all users:   CaiDat.cmd -PhamVi TatCa   (from an administrator command prompt)
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0CaiDat.ps1" %*
set rc=%ERRORLEVEL%
pause
exit /b %rc%
