-- CDS client JWT ids already used (replay protection shared by replicas). Runs on H2 (PostgreSQL mode) and
-- PostgreSQL. The primary key makes the first use win; expired rows are purged by the service.
CREATE TABLE cds_jti_seen (
  issuer     VARCHAR(512) NOT NULL,
  jti        VARCHAR(256) NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (issuer, jti)
);

CREATE INDEX cds_jti_seen_expires ON cds_jti_seen (expires_at);
