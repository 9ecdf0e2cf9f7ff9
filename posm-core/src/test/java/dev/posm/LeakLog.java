package dev.posm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures what posm logs about leaks (logger {@code dev.posm.leak}) during each test,
 * instead of printing it: register it with {@code @RegisterExtension}.
 *
 * @author posm
 */
public final class LeakLog extends Handler implements BeforeEachCallback, AfterEachCallback {

	// held here: the logging framework keeps loggers weakly
	private final Logger logger = Logger.getLogger("dev.posm.leak");

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private boolean parentHandlers;

	/**
	 * Return what was logged so far in this test.
	 * @return the records, in order
	 */
	public List<LogRecord> records() {
		return this.records;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.parentHandlers = this.logger.getUseParentHandlers();
		this.logger.setUseParentHandlers(false);
		this.logger.addHandler(this);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.logger.removeHandler(this);
		this.logger.setUseParentHandlers(this.parentHandlers);
	}

	@Override
	public void publish(LogRecord record) {
		this.records.add(record);
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
	}

}
