package dev.posm.sample.webflux.api;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebInputException;

/**
 * Bad input gets a 400 whose detail names the parameter, for every controller of the
 * sample.
 *
 * @author posm
 */
@RestControllerAdvice
class BadRequestAdvice {

	@ExceptionHandler
	ProblemDetail invalidParameter(BadParameterException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setProperty("parameter", ex.getParameter());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail unreadableParameter(ServerWebInputException ex) {
		MethodParameter parameter = ex.getMethodParameter();
		String name = (parameter != null) ? parameter.getParameterName() : null;
		if (name == null) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getReason());
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"Parameter '" + name + "' cannot be read: " + ex.getReason());
		problem.setProperty("parameter", name);
		return problem;
	}

}
