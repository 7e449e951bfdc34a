Attribute VB_Name = "HopThoai"
' Dialogs of the ribbon subs, in a module of their own so that the tests can replace it:
' pyOpenVBA's interpreter has no Application.FileDialog. ASCII only (code page 1252).
Option Explicit

' The folder the user picks, starting in initialFolder when there is one; "" when cancelled.
Public Function ChonThuMuc(ByVal initialFolder As String) As String
    Dim sep As String
    sep = Application.PathSeparator
    With Application.FileDialog(4) ' msoFileDialogFolderPicker
        .AllowMultiSelect = False
        If Len(initialFolder) > 0 Then
            If Right(initialFolder, 1) <> sep Then initialFolder = initialFolder & sep
            .InitialFileName = initialFolder
        End If
        If .Show = -1 Then ChonThuMuc = .SelectedItems(1)
    End With
End Function
