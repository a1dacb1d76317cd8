-- Steward control plane: release feeds (issue 7, UPD intake). Per application an optional feed the
-- control plane polls for new releases: JSON or Atom over HTTP(S); null = no feed.
alter table application add column release_feed_url varchar(2000);
