export * from './command';
export * from './main';
export { defaultBoxesSvg } from './svg/default-boxes-svg';
export { renderSvgToPng } from './render';
