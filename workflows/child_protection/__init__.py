"""The statutory child-protection procedure (Nghị định 56/2017/NĐ-CP, Chương III)."""
