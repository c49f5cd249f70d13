"""agreements: the signing copy (the bytes printed and signed, their SHA-256, when they
were prepared, and the data they were built from); users: how documents title them
(médiatrice / médiateur)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_copy', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('signing_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('prepared_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=1), nullable=False,
                                      server_default=''))
        batch_op.create_check_constraint(op.f('ck_users_title_known'),
                                         "title IN ('', 'f', 'm')")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('title', server_default=None)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_title_known'), type_='check')
        batch_op.drop_column('title')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_column('snapshot')
        batch_op.drop_column('prepared_at')
        batch_op.drop_column('signing_sha256')
        batch_op.drop_column('signing_copy')
