Attribute VB_Name = "Ribbon"
' Callbacks of the ribbon tab in macros/customUI.xml. VBA holds no logic: each button's sub
' names one Python entry point (a function of kehoach.xl) and hands it to ChayPython.
'
' The VBA project stores source in code page 1252, which cannot hold Vietnamese, so this file
' stays ASCII: the Vietnamese status bar text of a button is its tag in customUI.xml, read here
' as control.Tag.
'
' A new button: a <button> in customUI.xml + a sub here + a function in kehoach.xl.
Option Explicit

Sub KiemTraCaiDat(control As IRibbonControl)
    ChayPython control, "import xlwings as xw, kehoach.xl as k; k.check_setup(xw.Book.caller())"
End Sub

Sub KiemTraDuLieu(control As IRibbonControl)
    ChayPython control, "import xlwings as xw, kehoach.xl as k; k.check_data(xw.Book.caller())"
End Sub

Sub TinhChenhLech(control As IRibbonControl)
    ChayPython control, "import xlwings as xw, kehoach.xl as k; k.compute_gaps(xw.Book.caller())"
End Sub

Sub TaoFileCoQuan(control As IRibbonControl)
    ChayPython control, "import xlwings as xw, kehoach.xl as k; k.make_extracts(xw.Book.caller())"
End Sub

' The folder dialog opens on the last folder, kept in the cell named KH_ThuMucThuThap; the chosen
' folder goes into that cell, where Python reads it (no path inside a Python string literal).
Sub ThuThapBaoCao(control As IRibbonControl)
    Dim folderCell As Range
    Dim chosen As String
    Set folderCell = ThisWorkbook.Names("KH_ThuMucThuThap").RefersToRange
    chosen = ChonThuMuc(CStr(folderCell.Value))
    If Len(chosen) = 0 Then Exit Sub
    folderCell.Value = chosen
    ChayPython control, "import xlwings as xw, kehoach.xl as k; k.collect_returns(xw.Book.caller())"
End Sub

Sub TongHopTienDo(control As IRibbonControl)
    ChayPython control, "import xlwings as xw, kehoach.xl as k; k.summarize_progress(xw.Book.caller())"
End Sub

Sub BaoCaoKetQua(control As IRibbonControl)
    ChayPython control, "import xlwings as xw, kehoach.xl as k; k.write_report(xw.Book.caller())"
End Sub

Sub GuiEmail(control As IRibbonControl)
    ChayPython control, "import xlwings as xw, kehoach.xl as k; k.send_mail(xw.Book.caller())"
End Sub

' Shows the button's tag on the status bar while xlwings runs the Python command, and clears
' the status bar afterwards, also when RunPython fails (the error still reaches the user).
Private Sub ChayPython(control As IRibbonControl, ByVal pythonCommand As String)
    Application.StatusBar = control.Tag
    On Error GoTo Done
    RunPython pythonCommand
Done:
    Application.StatusBar = False
    If Err.Number <> 0 Then Err.Raise Err.Number, Err.Source, Err.Description
End Sub
