CREATE TABLE t (x INTEGER PRIMARY KEY, note TEXT);
-- a comment; with a semicolon
CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
  UPDATE t SET note = note || ';x' WHERE x = new.x;
END;
/* another; comment */ INSERT INTO t VALUES (1, 'semi;colon');
INSERT INTO t VALUES (2, NULL)
