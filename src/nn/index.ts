// wc.nn: layers and their base class.
export { Module } from './module.js';
export { Parameter } from './parameter.js';
