ROLLBACK TO append_request
