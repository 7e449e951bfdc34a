<#
  Installs KeHoach CCHC from this bundle only (no network): a Python environment with kehoach
  and its libraries from wheels\, then the officials' working copy of the workbook in a folder
  they choose, whose hidden sheet xlwings.conf names that Python. See HUONG-DAN-IT.md.

  Per user, no admin (default):   .\CaiDat.ps1 [-ThuMucLamViec D:\KeHoach]
  For all users (administrator):  .\CaiDat.ps1 -PhamVi TatCa

  Saved as UTF-8 with BOM: Windows PowerShell 5.1 reads a script without BOM in the ANSI code
  page, which would garble the Vietnamese messages. Uses no .NET type (works under AppLocker's
  Constrained Language Mode).
#>
param(
    [ValidateSet('NguoiDung', 'TatCa')]
    [string]$PhamVi = 'NguoiDung',
    [string]$ThuMucLamViec = (Join-Path $env:USERPROFILE 'KeHoach'),
    [string]$ThuMucCai = '',
    [string]$Python = '',
    [switch]$KhongTrustedLocation
)

$ErrorActionPreference = 'Stop'
$Here = $PSScriptRoot
$Wheels = Join-Path $Here 'wheels'
$PythonInstallers = Join-Path $Here 'python'
$SupportedPythons = @('3.13', '3.12', '3.11')

function Say([string]$Text) { Write-Host $Text }
function Fail([string]$Text) { Write-Host "LỖI: $Text" -ForegroundColor Red; exit 1 }

function Test-Admin {
    # S-1-16-12288: the high integrity level of an elevated (administrator) process.
    return [bool](whoami /groups | Select-String -SimpleMatch 'S-1-16-12288')
}

function Get-PythonVersion([string]$Exe) {
    $out = & $Exe -c "import sys, struct; print('%d.%d %d' % (sys.version_info[0], sys.version_info[1], struct.calcsize('P') * 8))" 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $out) { return $null }
    return $out.Trim()
}

function Test-AnsiPath([string]$Exe, [string]$Path) {
    # VBA (xlwings' RunPython) handles paths in the ANSI code page: refuse letters it lacks.
    & $Exe -c "import ctypes, sys; sys.argv[1].encode('cp%d' % ctypes.windll.kernel32.GetACP())" $Path 2>$null
    return ($LASTEXITCODE -eq 0)
}

function Find-Python {
    if ($Python) { return $Python }
    foreach ($v in $SupportedPythons) {
        $exe = & py "-$v" -c "import sys; print(sys.executable)" 2>$null
        if ($LASTEXITCODE -eq 0 -and $exe) { return $exe.Trim() }
    }
    $onPath = Get-Command python.exe -ErrorAction SilentlyContinue
    if ($onPath -and $onPath.Source -notlike '*WindowsApps*') { return $onPath.Source }
    return $null
}

function Install-BundledPython([string]$Target) {
    $setup = Get-ChildItem -Path $PythonInstallers -Filter 'python-3.*-amd64.exe' -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $setup) { return $null }
    Say "Cài Python từ bộ cài: $($setup.Name) vào $Target"
    $allUsers = if ($PhamVi -eq 'TatCa') { '1' } else { '0' }
    $p = Start-Process -FilePath $setup.FullName -Wait -PassThru -ArgumentList @(
        '/quiet', "InstallAllUsers=$allUsers", "TargetDir=`"$Target`"", 'Include_launcher=0',
        'Include_test=0', 'PrependPath=0', 'Shortcuts=0', 'AssociateFiles=0')
    if ($p.ExitCode -ne 0) { Fail "Trình cài Python báo mã lỗi $($p.ExitCode)." }
    return (Join-Path $Target 'python.exe')
}

# --- 1. Where -----------------------------------------------------------------------------
if ($PhamVi -eq 'TatCa' -and -not (Test-Admin)) {
    Fail 'Cài cho mọi người dùng (-PhamVi TatCa) cần chạy PowerShell bằng quyền quản trị (Run as administrator).'
}
if (-not (Test-Path -LiteralPath $Wheels)) { Fail "Không thấy thư mục wheels cạnh CaiDat.ps1 ($Wheels): hãy giải nén cả bộ cài." }
if (-not $ThuMucCai) {
    $ThuMucCai = if ($PhamVi -eq 'TatCa') { Join-Path $env:ProgramFiles 'KeHoach' } else { Join-Path $env:LOCALAPPDATA 'KeHoach' }
}
New-Item -ItemType Directory -Force -Path $ThuMucCai | Out-Null
Start-Transcript -Path (Join-Path $ThuMucCai 'CaiDat.log') -Append | Out-Null

# Files unpacked from a downloaded zip carry the Mark of the Web; the bundle is trusted here.
Get-ChildItem -LiteralPath $Here -Recurse -File | Unblock-File

# --- 2. Python ----------------------------------------------------------------------------
$py = Find-Python
if (-not $py) { $py = Install-BundledPython (Join-Path $ThuMucCai 'Python') }
if (-not $py) { Fail 'Không tìm thấy Python 3.11, 3.12 hoặc 3.13 (64 bit). Cài Python từ python.org (hoặc đặt trình cài python-3.x.y-amd64.exe vào thư mục python\ của bộ cài) rồi chạy lại; hoặc chỉ đường: -Python C:\...\python.exe' }
$ver = Get-PythonVersion $py
if (-not $ver) { Fail "Không chạy được $py." }
$parts = $ver.Split(' ')
if ($SupportedPythons -notcontains $parts[0] -or $parts[1] -ne '64') {
    Fail "Python $($parts[0]) ($($parts[1]) bit) ở $py không dùng được: cần Python 3.11, 3.12 hoặc 3.13 bản 64 bit."
}
Say "Python: $py ($($parts[0]), 64 bit)"

if (-not (Test-AnsiPath $py $ThuMucCai)) {
    $fallback = if ($PhamVi -eq 'TatCa') { Join-Path $env:SystemDrive 'KeHoach' } else { Join-Path $env:SystemDrive 'KeHoach\python' }
    Say "Đường dẫn $ThuMucCai có chữ mà Excel (VBA) không đọc được; cài vào $fallback."
    $ThuMucCai = $fallback
    New-Item -ItemType Directory -Force -Path $ThuMucCai | Out-Null
}

# --- 3. kehoach from the bundle only -----------------------------------------------------
$venv = Join-Path $ThuMucCai 'venv'
Say "Tạo môi trường Python: $venv"
& $py -m venv $venv
if ($LASTEXITCODE -ne 0) { Fail "Không tạo được môi trường Python ở $venv." }
$vpy = Join-Path $venv 'Scripts\python.exe'
Say 'Cài kehoach và các thư viện từ thư mục wheels (không cần mạng)'
& $vpy -m pip install --no-index --find-links $Wheels --upgrade --disable-pip-version-check --no-warn-script-location kehoach
if ($LASTEXITCODE -ne 0) { Fail 'pip không cài được kehoach từ thư mục wheels: xem CaiDat.log; bộ cài có đúng phiên bản Python này không?' }

# --- 4. The officials' working copy -------------------------------------------------------
$copy = Join-Path $ThuMucLamViec 'KeHoach2023.xlsm'
if (Test-Path -LiteralPath $copy) {
    Say "Đã có sổ làm việc ${copy}: giữ nguyên dữ liệu, chỉ cập nhật cấu hình Python của nó."
    & $vpy -m kehoach setup-excel $copy
} else {
    & $vpy -m kehoach new-copy $ThuMucLamViec
}
if ($LASTEXITCODE -ne 0) { Fail "Không tạo/cấu hình được sổ làm việc ở $ThuMucLamViec." }

# --- 5. Trusted Location (per user; Group Policy may set or forbid it) --------------------
if (-not $KhongTrustedLocation) {
    $office = 'HKCU:\Software\Microsoft\Office\16.0\Excel\Security\Trusted Locations'
    if (Test-Path $office) {
        $key = Join-Path $office 'KeHoachCCHC'
        New-Item -Path $key -Force | Out-Null
        New-ItemProperty -Path $key -Name 'Path' -Value ($ThuMucLamViec.TrimEnd('\') + '\') -PropertyType String -Force | Out-Null
        New-ItemProperty -Path $key -Name 'AllowSubfolders' -Value 1 -PropertyType DWord -Force | Out-Null
        New-ItemProperty -Path $key -Name 'Description' -Value 'KeHoach CCHC' -PropertyType String -Force | Out-Null
        Say "Đã thêm $ThuMucLamViec vào Trusted Locations của Excel (người dùng này)."
    } else {
        Say 'Không thấy Excel 2016/2019/2021/365 của người dùng này: bỏ qua Trusted Location.'
    }
}

# --- 6. Every link checked ----------------------------------------------------------------
Say ''
& $vpy -m kehoach doctor $copy
Say ''
Say "Xong. Sổ làm việc: $copy"
Stop-Transcript | Out-Null
