"""The Word report «Báo cáo kết quả»."""
