"""agreements: bilingual (French and English, the French text authoritative). The
language 'fr-en', the English account and each commitment's English text

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agreements_language_known'), type_='check')
        batch_op.alter_column('language', existing_type=sa.String(length=2),
                              type_=sa.String(length=5), existing_nullable=False)
        batch_op.add_column(sa.Column('account_en', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_agreements_language_known'),
                                         "language IN ('fr', 'en', 'fr-en')")
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.alter_column('account_en', server_default=None)
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_en', sa.String(length=500), server_default='',
                                      nullable=False))
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.alter_column('text_en', server_default=None)


def downgrade():
    op.execute("UPDATE agreements SET language = 'fr' WHERE language = 'fr-en'")
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_column('text_en')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agreements_language_known'), type_='check')
        batch_op.drop_column('account_en')
        batch_op.alter_column('language', existing_type=sa.String(length=5),
                              type_=sa.String(length=2), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_agreements_language_known'),
                                         "language IN ('fr', 'en')")
