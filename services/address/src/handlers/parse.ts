// AddressService.Parse
import { FieldViolations, type HandlerContext } from '@clarity/kit';
import type { ParseRequest, ParseResponse } from '@clarity/proto/clarity/address/v1/address.js';
import { toParsedAddress } from '../domain/validate.js';
import type { AddressDeps } from '../server.js';
import { addressInput } from './request.js';

export function parseHandler(deps: AddressDeps) {
  return async (request: ParseRequest, _context: HandlerContext): Promise<ParseResponse> => {
    const v = new FieldViolations();
    const input = addressInput(request.address, 'address', v, deps.config.maxFieldChars);
    v.throwIfAny();
    return { parsed: toParsedAddress(deps.validation.local.parser.parse(input!)) };
  };
}
