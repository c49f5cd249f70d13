"""agreement scans: every upload of a signed copy kept, with its SHA-256, size, type, who
and when (the agreements' single scan and scan_type columns move into it)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg')", name=op.f('ck_agreement_scans_content_type_known')),
    sa.CheckConstraint('number = 1 OR length(reason) > 0', name=op.f('ck_agreement_scans_replacement_has_reason')),
    sa.CheckConstraint('size > 0', name=op.f('ck_agreement_scans_size_positive')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_scans_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_agreement_scans_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_scans')),
    sa.UniqueConstraint('agreement_id', 'number', name='uq_agreement_scans_agreement_number')
    )
    with op.batch_alter_table('agreement_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_scans_agreement_id'), ['agreement_id'], unique=False)

    # The one scan each version had becomes its first upload; who attached it was not
    # recorded, and when is known only as the signature's moment.
    bind = op.get_bind()
    scans = sa.table('agreement_scans', *(sa.column(name) for name in (
        'agreement_id', 'number', 'data', 'sha256', 'size', 'content_type', 'reason',
        'uploaded_by_id', 'uploaded_at')))
    rows = bind.execute(sa.text(
        "SELECT id, scan, scan_type, signed_at, created_at FROM agreements "
        "WHERE scan IS NOT NULL")).fetchall()
    known = {'application/pdf', 'image/png', 'image/jpeg'}
    values = [{'agreement_id': row.id, 'number': 1, 'data': row.scan,
               'sha256': hashlib.sha256(row.scan).hexdigest(), 'size': len(row.scan),
               'content_type': row.scan_type if row.scan_type in known else 'application/pdf',
               'reason': '', 'uploaded_by_id': None,
               'uploaded_at': row.signed_at or row.created_at}
              for row in rows if row.scan]
    if values:
        op.bulk_insert(scans, values)

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_column('scan_type')
        batch_op.drop_column('scan')


def downgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('scan_type', sa.String(length=40), nullable=False,
                                      server_default=''))
    # Back to one scan per version: the current (newest) one.
    op.execute(
        "UPDATE agreements SET scan = (SELECT s.data FROM agreement_scans s "
        "WHERE s.agreement_id = agreements.id ORDER BY s.number DESC LIMIT 1), "
        "scan_type = COALESCE((SELECT s.content_type FROM agreement_scans s "
        "WHERE s.agreement_id = agreements.id ORDER BY s.number DESC LIMIT 1), '')")
    with op.batch_alter_table('agreement_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_scans_agreement_id'))
    op.drop_table('agreement_scans')
