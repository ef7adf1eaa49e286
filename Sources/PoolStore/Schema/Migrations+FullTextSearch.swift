import GRDB

extension Migrations {
    /// v13: the customer search answered from an index (`CustomerSearch`): an FTS5 table with
    /// the trigram tokenizer over each customer's name, e-mail key and phone digits. It holds
    /// only the index (`content='customers'`: the values stay in the customers table), and only
    /// which rows hold each trigram (`detail=none`: no columns, no positions), because the
    /// search checks its candidates with `LIKE` anyway: at 1M customers that is 46 MB instead
    /// of 160 MB, and merging the whole index (after an erasure) takes a second instead of
    /// two and a half. Triggers keep it with every write to those columns, whatever the write path, in the
    /// write's own transaction. Filled here from the existing rows.
    static func fullTextSearch(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE VIRTUAL TABLE customer_search USING fts5(
                    name, email_key, phone_key, content='customers', content_rowid='id', tokenize='trigram', detail=none);
                INSERT INTO customer_search(customer_search) VALUES ('rebuild');
                CREATE TRIGGER customer_search_insert AFTER INSERT ON customers BEGIN
                    INSERT INTO customer_search(rowid, name, email_key, phone_key)
                    VALUES (NEW.id, NEW.name, NEW.email_key, NEW.phone_key);
                END;
                CREATE TRIGGER customer_search_delete AFTER DELETE ON customers BEGIN
                    INSERT INTO customer_search(customer_search, rowid, name, email_key, phone_key)
                    VALUES ('delete', OLD.id, OLD.name, OLD.email_key, OLD.phone_key);
                END;
                CREATE TRIGGER customer_search_update AFTER UPDATE OF name, email_key, phone_key ON customers BEGIN
                    INSERT INTO customer_search(customer_search, rowid, name, email_key, phone_key)
                    VALUES ('delete', OLD.id, OLD.name, OLD.email_key, OLD.phone_key);
                    INSERT INTO customer_search(rowid, name, email_key, phone_key)
                    VALUES (NEW.id, NEW.name, NEW.email_key, NEW.phone_key);
                END;
                """)
    }
}
