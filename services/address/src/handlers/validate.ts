// AddressService.Validate
import { FieldViolations, type HandlerContext } from '@clarity/kit';
import type { ValidateRequest, ValidateResponse } from '@clarity/proto/clarity/address/v1/address.js';
import type { AddressDeps } from '../server.js';
import { addressInput } from './request.js';

export function validateHandler(deps: AddressDeps) {
  return async (request: ValidateRequest, context: HandlerContext): Promise<ValidateResponse> => {
    const v = new FieldViolations();
    const input = addressInput(request.address, 'address', v, deps.config.maxFieldChars);
    v.throwIfAny();
    return { result: await deps.validation.validate(input!, Boolean(request.options?.useExternal), context.signal) };
  };
}
