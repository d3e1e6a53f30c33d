"""msg

Revision ID: ab12
"""
revision: str = "ab12"
down_revision = ("a", "b")
branch_labels = None
depends_on = ['x']
