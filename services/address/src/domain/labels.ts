// The parser's label set (usaddress names) and its mapping to the contract's ComponentType.
import { ComponentType } from '@clarity/proto/clarity/address/v1/address.js';

export const LABELS = [
  'Recipient', 'AddressNumberPrefix', 'AddressNumber', 'AddressNumberSuffix', 'StreetNamePreModifier', 'StreetNamePreDirectional',
  'StreetNamePreType', 'StreetName', 'StreetNamePostType', 'StreetNamePostDirectional', 'StreetNamePostModifier', 'OccupancyType',
  'OccupancyIdentifier', 'SubaddressType', 'SubaddressIdentifier', 'BuildingName', 'LandmarkName', 'USPSBoxType', 'USPSBoxID',
  'USPSBoxGroupType', 'USPSBoxGroupID', 'PlaceName', 'StateName', 'ZipCode', 'ZipPlus4', 'CountryName', 'IntersectionSeparator',
  'CornerOf', 'NotAddress',
] as const;
export type Label = (typeof LABELS)[number];

export const COMPONENT_TYPE_OF: Record<Label, ComponentType> = {
  Recipient: ComponentType.COMPONENT_TYPE_RECIPIENT,
  AddressNumberPrefix: ComponentType.COMPONENT_TYPE_ADDRESS_NUMBER_PREFIX,
  AddressNumber: ComponentType.COMPONENT_TYPE_ADDRESS_NUMBER,
  AddressNumberSuffix: ComponentType.COMPONENT_TYPE_ADDRESS_NUMBER_SUFFIX,
  StreetNamePreModifier: ComponentType.COMPONENT_TYPE_STREET_NAME_PRE_MODIFIER,
  StreetNamePreDirectional: ComponentType.COMPONENT_TYPE_STREET_NAME_PRE_DIRECTIONAL,
  StreetNamePreType: ComponentType.COMPONENT_TYPE_STREET_NAME_PRE_TYPE,
  StreetName: ComponentType.COMPONENT_TYPE_STREET_NAME,
  StreetNamePostType: ComponentType.COMPONENT_TYPE_STREET_NAME_POST_TYPE,
  StreetNamePostDirectional: ComponentType.COMPONENT_TYPE_STREET_NAME_POST_DIRECTIONAL,
  StreetNamePostModifier: ComponentType.COMPONENT_TYPE_STREET_NAME_POST_MODIFIER,
  OccupancyType: ComponentType.COMPONENT_TYPE_OCCUPANCY_TYPE,
  OccupancyIdentifier: ComponentType.COMPONENT_TYPE_OCCUPANCY_IDENTIFIER,
  SubaddressType: ComponentType.COMPONENT_TYPE_SUBADDRESS_TYPE,
  SubaddressIdentifier: ComponentType.COMPONENT_TYPE_SUBADDRESS_IDENTIFIER,
  BuildingName: ComponentType.COMPONENT_TYPE_BUILDING_NAME,
  LandmarkName: ComponentType.COMPONENT_TYPE_LANDMARK_NAME,
  USPSBoxType: ComponentType.COMPONENT_TYPE_USPS_BOX_TYPE,
  USPSBoxID: ComponentType.COMPONENT_TYPE_USPS_BOX_ID,
  USPSBoxGroupType: ComponentType.COMPONENT_TYPE_USPS_BOX_GROUP_TYPE,
  USPSBoxGroupID: ComponentType.COMPONENT_TYPE_USPS_BOX_GROUP_ID,
  PlaceName: ComponentType.COMPONENT_TYPE_PLACE_NAME,
  StateName: ComponentType.COMPONENT_TYPE_STATE_NAME,
  ZipCode: ComponentType.COMPONENT_TYPE_ZIP_CODE,
  ZipPlus4: ComponentType.COMPONENT_TYPE_ZIP_PLUS4,
  CountryName: ComponentType.COMPONENT_TYPE_COUNTRY_NAME,
  IntersectionSeparator: ComponentType.COMPONENT_TYPE_INTERSECTION_SEPARATOR,
  CornerOf: ComponentType.COMPONENT_TYPE_CORNER_OF,
  NotAddress: ComponentType.COMPONENT_TYPE_NOT_ADDRESS,
};

/** Contract name of a component type without the prefix ("ZIP_CODE"), for missing/unconfirmed lists. */
export function componentTypeName(type: ComponentType): string {
  return ComponentType[type].replace(/^COMPONENT_TYPE_/, '');
}
