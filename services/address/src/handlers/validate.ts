// AddressService.Validate
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ValidateRequest, ValidateResponse } from '@clarity/proto/clarity/address/v1/address.js';
import type { AddressDeps } from '../server.js';

export function validateHandler(_deps: AddressDeps) {
  return async (_request: ValidateRequest, _context: HandlerContext): Promise<ValidateResponse> => {
    throw unimplemented('Validate', 'address validation (issue #5)');
  };
}
